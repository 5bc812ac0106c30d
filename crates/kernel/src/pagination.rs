//! Cursor pagination as the reference exposes it: `first`/`after` and `last`/`before`, where a
//! cursor is the UUID of an item and the order is the item's insertion order (`row_id`).
//!
//! This module validates the arguments and shapes the answer; a repository resolves the cursor
//! to its `row_id` and fetches one item more than asked, so that no extra count is needed to
//! know whether another page exists.

use async_graphql::SimpleObject;
use uuid::Uuid;

use crate::error::{AppError, AppResult, ErrorStatus};
use crate::scalars::UuidScalar;

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 25;

/// The pagination arguments as they arrive on a field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaginationArgs {
    /// Items after the cursor.
    pub first: Option<i32>,
    /// Cursor after which items are taken.
    pub after: Option<UuidScalar>,
    /// Items before the cursor.
    pub last: Option<i32>,
    /// Cursor before which items are taken.
    pub before: Option<UuidScalar>,
}

/// Which way a page is read from its cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Items after the cursor (or from the start), in order.
    Forward,
    /// Items before the cursor (or at the end), in order.
    Backward,
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Read direction.
    pub direction: Direction,
    /// The item the page starts after (forward) or ends before (backward).
    pub cursor: Option<Uuid>,
    /// Maximum number of items.
    pub limit: u64,
}

impl PaginationArgs {
    /// Checks the argument combination with the reference's rules and errors.
    pub fn validate(self) -> AppResult<PageRequest> {
        let out_of_bound = |m: &str| AppError::new(ErrorStatus::PaginationInputOutOfBound, m);
        let missing = |m: &str| AppError::new(ErrorStatus::PaginationParamNotFound, m);
        if matches!(self.first, Some(n) if n <= 0) {
            return Err(out_of_bound("Parameter \"first\" needs to be positive."));
        }
        if self.after.is_some() && self.first.is_none() {
            return Err(missing(
                "Cursor \"after\" requires having \"first\" parameter.",
            ));
        }
        if matches!(self.last, Some(n) if n <= 0) {
            return Err(out_of_bound("Parameter \"last\" needs to be positive."));
        }
        if self.before.is_some() && self.last.is_none() {
            return Err(missing(
                "Cursor \"before\" requires having \"last\" parameter.",
            ));
        }
        if self.first.is_some() && self.last.is_some() {
            return Err(out_of_bound(
                "Using both \"first\" and \"last\" parameters is discouraged.",
            ));
        }
        if self.after.is_some() && self.before.is_some() {
            return Err(out_of_bound(
                "Using both \"after\" and \"before\" cursors is not supported.",
            ));
        }
        Ok(match (self.first, self.last) {
            (_, Some(last)) => PageRequest {
                direction: Direction::Backward,
                cursor: self.before.map(|c| c.0),
                limit: u64::try_from(last).unwrap_or(DEFAULT_PAGE_SIZE),
            },
            (first, None) => PageRequest {
                direction: Direction::Forward,
                cursor: self.after.map(|c| c.0),
                limit: first
                    .and_then(|f| u64::try_from(f).ok())
                    .unwrap_or(DEFAULT_PAGE_SIZE),
            },
        })
    }
}

/// The `PageInfo` of a paginated result.
#[derive(Debug, Clone, Default, PartialEq, Eq, SimpleObject)]
#[graphql(name = "PageInfo")]
pub struct PageInfo {
    /// Cursor (id) of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor (id) of the last item of the page.
    pub end_cursor: Option<String>,
    /// Whether items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
}

/// One page of items with its page info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in order.
    pub items: Vec<T>,
    /// Where the page sits.
    pub page_info: PageInfo,
}

impl PageRequest {
    /// Builds the page from at most `limit + 1` items fetched in read order (ascending for
    /// forward, descending for backward) starting next to the cursor.
    pub fn into_page<T>(self, mut fetched: Vec<T>, id_of: impl Fn(&T) -> Uuid) -> Page<T> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let more = fetched.len() > limit;
        fetched.truncate(limit);
        if self.direction == Direction::Backward {
            fetched.reverse();
        }
        let (has_next_page, has_previous_page) = match self.direction {
            Direction::Forward => (more, self.cursor.is_some()),
            Direction::Backward => (self.cursor.is_some(), more),
        };
        let page_info = PageInfo {
            start_cursor: fetched.first().map(|x| id_of(x).to_string()),
            end_cursor: fetched.last().map(|x| id_of(x).to_string()),
            has_next_page,
            has_previous_page,
        };
        Page {
            items: fetched,
            page_info,
        }
    }
}

impl PageRequest {
    /// One page of a list already held in memory, in its order: the cursor must name an item
    /// of the list (ENTITY_NOT_FOUND otherwise).
    pub fn page_in_memory<T>(
        self,
        items: Vec<T>,
        id_of: impl Fn(&T) -> Uuid,
    ) -> AppResult<Page<T>> {
        let start = match self.cursor {
            Some(cursor) => Some(items.iter().position(|x| id_of(x) == cursor).ok_or_else(
                || {
                    AppError::new(
                        ErrorStatus::EntityNotFound,
                        format!("Unable to find entity with ID: {cursor}"),
                    )
                },
            )?),
            None => None,
        };
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        let fetched: Vec<T> = match self.direction {
            Direction::Forward => {
                let from = start.map_or(0, |i| i + 1);
                items
                    .into_iter()
                    .skip(from)
                    .take(limit.saturating_add(1))
                    .collect()
            }
            Direction::Backward => {
                let end = start.unwrap_or(items.len());
                let mut before: Vec<T> = items.into_iter().take(end).collect();
                before.reverse();
                before.truncate(limit.saturating_add(1));
                before
            }
        };
        Ok(self.into_page(fetched, id_of))
    }
}

/// The reference's `limit`/`shuffle` arguments on plain lists: no limit (or 0) keeps every item
/// in order (shuffle is then ignored, as in the reference); `shuffle` picks `limit` items at
/// random; otherwise the first `limit` are kept. A negative limit is a BAD_USER_INPUT error.
pub fn limit_and_shuffle<T>(
    mut items: Vec<T>,
    limit: Option<f64>,
    shuffle: bool,
) -> AppResult<Vec<T>> {
    let Some(limit) = limit else {
        return Ok(items);
    };
    if !limit.is_finite() || limit < 0.0 {
        return Err(AppError::new(
            ErrorStatus::BadUserInput,
            "The limit must be a non-negative number.",
        ));
    }
    // Saturating float-to-int conversion; fractions are cut.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let limit = limit as usize;
    if limit == 0 {
        return Ok(items);
    }
    if shuffle {
        // Partial Fisher–Yates: the first `limit` slots get a uniform random selection.
        let n = items.len();
        for i in 0..limit.min(n) {
            let mut bytes = [0_u8; 8];
            getrandom::fill(&mut bytes)
                .map_err(|e| AppError::internal_msg(format_args!("no randomness: {e}")))?;
            let span = u64::try_from(n - i).unwrap_or(u64::MAX);
            let offset = usize::try_from(u64::from_le_bytes(bytes) % span).unwrap_or(0);
            items.swap(i, i + offset);
        }
    }
    items.truncate(limit);
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(first: Option<i32>, after: bool, last: Option<i32>, before: bool) -> PaginationArgs {
        let c = Some(UuidScalar(Uuid::nil()));
        PaginationArgs {
            first,
            after: if after { c } else { None },
            last,
            before: if before { c } else { None },
        }
    }

    #[test]
    fn invalid_combinations_get_the_reference_errors() {
        let cases = [
            (
                args(Some(0), false, None, false),
                ErrorStatus::PaginationInputOutOfBound,
            ),
            (
                args(None, true, None, false),
                ErrorStatus::PaginationParamNotFound,
            ),
            (
                args(None, false, Some(-1), false),
                ErrorStatus::PaginationInputOutOfBound,
            ),
            (
                args(None, false, None, true),
                ErrorStatus::PaginationParamNotFound,
            ),
            (
                args(Some(2), false, Some(2), false),
                ErrorStatus::PaginationInputOutOfBound,
            ),
        ];
        for (a, status) in cases {
            assert_eq!(a.validate().unwrap_err().status(), status, "{a:?}");
        }
    }

    #[test]
    fn limit_and_shuffle_follow_the_reference() {
        let items: Vec<u32> = (0..10).collect();
        assert_eq!(limit_and_shuffle(items.clone(), None, true).unwrap(), items);
        assert_eq!(
            limit_and_shuffle(items.clone(), Some(0.0), true).unwrap(),
            items
        );
        assert_eq!(
            limit_and_shuffle(items.clone(), Some(3.0), false).unwrap(),
            vec![0, 1, 2]
        );
        let mut picked = limit_and_shuffle(items.clone(), Some(4.0), true).unwrap();
        assert_eq!(picked.len(), 4);
        picked.sort_unstable();
        picked.dedup();
        assert_eq!(picked.len(), 4, "no item is picked twice");
        assert_eq!(
            limit_and_shuffle(items.clone(), Some(50.0), true)
                .unwrap()
                .len(),
            10
        );
        assert_eq!(
            limit_and_shuffle(items, Some(-1.0), false)
                .unwrap_err()
                .status(),
            ErrorStatus::BadUserInput
        );
    }

    #[test]
    fn defaults_to_the_first_25() {
        let req = PaginationArgs::default().validate().unwrap();
        assert_eq!(
            req,
            PageRequest {
                direction: Direction::Forward,
                cursor: None,
                limit: 25
            }
        );
    }

    #[test]
    fn forward_page_reports_more_items() {
        let ids: Vec<Uuid> = (0..4).map(|_| Uuid::new_v4()).collect();
        let req = args(Some(3), false, None, false).validate().unwrap();
        let page = req.into_page(ids.clone(), |x| *x);
        assert_eq!(page.items, ids[..3]);
        assert!(page.page_info.has_next_page);
        assert!(!page.page_info.has_previous_page);
        assert_eq!(page.page_info.end_cursor, Some(ids[2].to_string()));
    }

    #[test]
    fn backward_page_is_returned_in_order() {
        // fetched newest first, as a backward read does
        let ids: Vec<Uuid> = (0..2).map(|_| Uuid::new_v4()).collect();
        let req = args(None, false, Some(5), true).validate().unwrap();
        let page = req.into_page(vec![ids[1], ids[0]], |x| *x);
        assert_eq!(page.items, ids);
        assert!(page.page_info.has_next_page);
        assert!(!page.page_info.has_previous_page);
        assert_eq!(page.page_info.start_cursor, Some(ids[0].to_string()));
    }
}
