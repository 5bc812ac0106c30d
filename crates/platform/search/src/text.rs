//! Text helpers: the words of a whiteboard, and which search terms a document matched.

/// The text a whiteboard's scene (Excalidraw JSON) shows: every element's `text`, one per line.
/// Content that is not such a scene gives nothing.
pub fn whiteboard_text(content: &str) -> String {
    let Ok(scene) = serde_json::from_str::<serde_json::Value>(content) else {
        return String::new();
    };
    scene
        .get("elements")
        .and_then(|e| e.as_array())
        .map(|elements| {
            elements
                .iter()
                .filter(|e| e.get("isDeleted").and_then(|d| d.as_bool()) != Some(true))
                .filter_map(|e| e.get("text").and_then(|t| t.as_str()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Lower-cased words (letters and digits) of a text.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// How many edits a word of this length may be away from a term and still match: none up to
/// two characters, one up to five, two beyond (Elasticsearch's `AUTO` fuzziness).
pub fn allowed_edits(word: &str) -> u8 {
    match word.chars().count() {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// Levenshtein distance between two words, giving up (returning `limit + 1`) beyond `limit`.
pub fn within(a: &str, b: &str, limit: u8) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let limit = usize::from(limit);
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().min().is_some_and(|m| *m > limit) {
            return false;
        }
        previous = current;
    }
    previous[b.len()] <= limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scene_gives_its_live_texts() {
        let scene = r#"{"type":"excalidraw","elements":[
            {"type":"text","text":"Rain gardens"},
            {"type":"rectangle"},
            {"type":"text","text":"gone","isDeleted":true},
            {"type":"text","text":"Green roofs"}]}"#;
        assert_eq!(whiteboard_text(scene), "Rain gardens\nGreen roofs");
        assert_eq!(whiteboard_text("not json"), "");
    }

    #[test]
    fn words_are_lower_cased_and_split_on_punctuation() {
        let found: Vec<String> = words("Urban-Parks, (2026) Café").collect();
        assert_eq!(found, ["urban", "parks", "2026", "café"]);
    }

    #[test]
    fn fuzziness_grows_with_the_word() {
        assert!(within("garden", "gardne", 2));
        assert!(within("park", "parc", 1));
        assert!(!within("park", "pork", 0));
        assert!(!within("city", "cities", 1));
        assert_eq!(allowed_edits("ab"), 0);
        assert_eq!(allowed_edits("parks"), 1);
        assert_eq!(allowed_edits("gardens"), 2);
    }
}
