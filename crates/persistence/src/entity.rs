//! `entity!`: declares a sea-orm entity for a table with the columns every table here has (`id`,
//! `created_date`, `updated_date`, `version`) and the given ones, each optionally renamed
//! (`field: Type => "column"`). The repositories of several modules use it.

/// Declares `pub(crate) mod $module` holding the entity of `$table`.
#[macro_export]
macro_rules! entity {
    ($module:ident, $table:literal, { $($field:ident : $ty:ty $(=> $col:literal)?),* $(,)? }) => {
        pub(crate) mod $module {
            use sea_orm::entity::prelude::*;

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                pub id: Uuid,
                pub created_date: DateTimeUtc,
                pub updated_date: DateTimeUtc,
                pub version: i32,
                $( $(#[sea_orm(column_name = $col)])? pub $field: $ty, )*
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}
