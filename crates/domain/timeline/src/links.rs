//! Ways out of the platform for an event: "add to calendar" links for Google and Outlook, and
//! the event as an iCalendar (RFC 5545) file.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::model::CalendarEvent;

/// What the links show of an event besides its schedule.
#[derive(Debug, Clone, Copy)]
pub struct EventText<'a> {
    /// Its title (the profile's display name).
    pub title: &'a str,
    /// Its description (Markdown).
    pub description: Option<&'a str>,
    /// Where it happens (address parts joined).
    pub location: Option<&'a str>,
    /// Its page on the platform.
    pub url: &'a str,
}

fn encode(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// Markdown reduced to readable plain text: emphasis, headings, quotes and code marks go,
/// links keep their text.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' | '`' | '#' | '>' => {}
            '[' => {
                let mut text = String::new();
                for n in chars.by_ref() {
                    if n == ']' {
                        break;
                    }
                    text.push(n);
                }
                if chars.peek() == Some(&'(') {
                    for n in chars.by_ref() {
                        if n == ')' {
                            break;
                        }
                    }
                }
                out.push_str(&text);
            }
            c => out.push(c),
        }
    }
    out.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The first day after a whole-day event (calendar end dates are exclusive).
fn end_day(e: &CalendarEvent) -> NaiveDate {
    e.end_date().date_naive() + Duration::days(1)
}

fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A Google Calendar link that opens a new event filled in.
pub fn google_url(e: &CalendarEvent, text: EventText<'_>) -> String {
    let dates = if e.whole_day {
        format!(
            "{}/{}",
            e.start_date.date_naive().format("%Y%m%d"),
            end_day(e).format("%Y%m%d")
        )
    } else {
        format!("{}/{}", utc_stamp(e.start_date), utc_stamp(e.end_date()))
    };
    let mut url = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}",
        encode(text.title),
        dates
    );
    if let Some(d) = text.description {
        url.push_str(&format!("&details={}", encode(&cut(&plain_text(d), 1000))));
    }
    if let Some(l) = text.location {
        url.push_str(&format!("&location={}", encode(l)));
    }
    url
}

/// An Outlook link that opens a new event filled in.
pub fn outlook_url(e: &CalendarEvent, text: EventText<'_>) -> String {
    let (start, end) = if e.whole_day {
        (
            e.start_date.date_naive().format("%Y-%m-%d").to_string(),
            end_day(e).format("%Y-%m-%d").to_string(),
        )
    } else {
        (
            e.start_date.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            e.end_date().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
    };
    let mut url = format!(
        "https://outlook.office.com/calendar/deeplink/compose?subject={}&startdt={}&enddt={}",
        encode(text.title),
        encode(&start),
        encode(&end)
    );
    if let Some(d) = text.description {
        url.push_str(&format!("&body={}", encode(&cut(&plain_text(d), 1000))));
    }
    if let Some(l) = text.location {
        url.push_str(&format!("&location={}", encode(l)));
    }
    if e.whole_day {
        url.push_str("&allday=true");
    }
    url
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets (continuations start with a space), never inside a
/// character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// The event as an iCalendar file with one VEVENT (CRLF line ends, folded lines).
pub fn ics(e: &CalendarEvent, text: EventText<'_>, now: DateTime<Utc>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Alkemio//Calendar Event//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@alkem.io", e.id),
        format!("DTSTAMP:{}", utc_stamp(now)),
    ];
    if e.whole_day {
        lines.push(format!(
            "DTSTART;VALUE=DATE:{}",
            e.start_date.date_naive().format("%Y%m%d")
        ));
        lines.push(format!("DTEND;VALUE=DATE:{}", end_day(e).format("%Y%m%d")));
    } else {
        lines.push(format!("DTSTART:{}", utc_stamp(e.start_date)));
        lines.push(format!("DTEND:{}", utc_stamp(e.end_date())));
    }
    lines.push(format!("SUMMARY:{}", escape(text.title)));
    if let Some(d) = text.description {
        lines.push(format!(
            "DESCRIPTION:{}",
            escape(&cut(&plain_text(d), 8000))
        ));
    }
    if let Some(l) = text.location {
        lines.push(format!("LOCATION:{}", escape(l)));
    }
    lines.push(format!("URL:{}", text.url));
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for l in &lines {
        fold(l, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CalendarEventType;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn event(whole_day: bool, minutes: i32) -> CalendarEvent {
        let start = Utc.with_ymd_and_hms(2026, 12, 3, 14, 30, 0).unwrap();
        CalendarEvent {
            id: Uuid::nil(),
            calendar_id: Uuid::nil(),
            name_id: "kickoff".to_owned(),
            event_type: CalendarEventType::Meeting,
            created_by: None,
            start_date: start,
            whole_day,
            multiple_days: false,
            duration_minutes: minutes,
            duration_days: None,
            visible_on_parent_calendar: false,
            profile_id: Uuid::nil(),
            comments_id: Uuid::nil(),
            authorization_id: None,
            created_date: start,
            updated_date: start,
        }
    }

    const TEXT: EventText<'static> = EventText {
        title: "Kick-off, part 1",
        description: Some("**Bring** [slides](https://x.org)"),
        location: Some("Main St 1, Utrecht"),
        url: "http://localhost:3000/space/calendar/kickoff",
    };

    #[test]
    fn timed_and_whole_day_links() {
        let g = google_url(&event(false, 90), TEXT);
        assert!(
            g.contains("&dates=20261203T143000Z/20261203T160000Z"),
            "{g}"
        );
        assert!(g.contains("text=Kick%2Doff%2C%20part%201"), "{g}");
        assert!(g.contains("details=Bring%20slides"), "{g}");
        let g = google_url(&event(true, 0), TEXT);
        assert!(g.contains("&dates=20261203/20261204"), "{g}");
        let o = outlook_url(&event(true, 0), TEXT);
        assert!(o.ends_with("&allday=true"), "{o}");
        assert!(
            o.contains("startdt=2026%2D12%2D03&enddt=2026%2D12%2D04"),
            "{o}"
        );
    }

    #[test]
    fn ics_escapes_folds_and_ends_lines_with_crlf() {
        let long = "x".repeat(200);
        let text = EventText {
            description: Some(&long),
            ..TEXT
        };
        let out = ics(&event(false, 60), text, Utc::now());
        assert!(out.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(out.contains("SUMMARY:Kick-off\\, part 1\r\n"));
        assert!(out.contains("DTSTART:20261203T143000Z\r\nDTEND:20261203T153000Z\r\n"));
        assert!(out.lines().all(|l| l.len() <= 76), "{out}");
        assert!(out.contains("\r\n x"), "folded: {out}");
        assert!(out.ends_with("END:VCALENDAR\r\n"));
    }
}
