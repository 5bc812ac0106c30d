//! Query helpers shared by repositories: case-insensitive substring filters with literal
//! wildcards, and cursor pages over a table's `row_id` (see the `add_row_id` migration helper).

use alkemio_kernel::pagination::{Direction, PageRequest};
use alkemio_kernel::{AppError, AppResult};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, IntoIden, LikeExpr, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// A `%…%` pattern matching `value` literally, lower-cased, with a backslash escaping LIKE's wildcards.
pub fn contains_pattern(value: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(value.len() + 2);
    escaped.push('%');
    for c in value.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}

/// `LOWER(column) LIKE '%value%'`, matching `value` literally and case-insensitively.
pub fn lower_like(column: SimpleExpr, value: &str) -> SimpleExpr {
    Expr::expr(Func::lower(column)).like(contains_pattern(value))
}

/// A qualified column.
pub fn col(table: &str, column: &str) -> SimpleExpr {
    Expr::col((Alias::new(table), Alias::new(column)))
}

/// One page of the ids of `E`'s rows matching `condition`, in `row_id` order, next to the
/// request's cursor: at most `limit + 1` ids in read order (ascending forward, descending
/// backward), and the number of matching rows whatever the cursor. A cursor that is not among
/// the matching rows is an ENTITY_NOT_FOUND error.
pub async fn page_ids<E>(
    conn: &impl ConnectionTrait,
    id: E::Column,
    condition: Condition,
    page: &PageRequest,
) -> AppResult<(Vec<Uuid>, u64)>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let row_id = || Expr::col((E::default().into_iden(), Alias::new("row_id")));
    let mut query = E::find().select_only().column(id).filter(condition.clone());
    if let Some(cursor) = page.cursor {
        let cursor_row: Option<i64> = E::find()
            .select_only()
            .column_as(row_id(), "row_id")
            .filter(condition.clone())
            .filter(id.eq(cursor))
            .into_tuple()
            .one(conn)
            .await?;
        let cursor_row = cursor_row.ok_or_else(|| {
            AppError::not_found(format!("Cursor {cursor} does not name a listed item"))
        })?;
        query = query.filter(match page.direction {
            Direction::Forward => Expr::expr(row_id()).gt(cursor_row),
            Direction::Backward => Expr::expr(row_id()).lt(cursor_row),
        });
    }
    let query = match page.direction {
        Direction::Forward => query.order_by_asc(row_id()),
        Direction::Backward => query.order_by_desc(row_id()),
    };
    let ids: Vec<Uuid> = query
        .limit(page.limit.saturating_add(1))
        .into_tuple()
        .all(conn)
        .await?;
    let total = E::find().filter(condition).count(conn).await?;
    Ok((ids, total))
}
