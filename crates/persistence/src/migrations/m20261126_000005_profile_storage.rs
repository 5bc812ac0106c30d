//! Common and storage modules: profiles and their parts (location, tagsets, references,
//! visuals), storage aggregators, buckets and documents (`file`, the reference's table name).

use sea_orm_migration::prelude::*;

use super::columns::base_columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    name: &str,
    from: &str,
    column: &str,
    to: &str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(Alias::new(from), Alias::new(column))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: &str,
    column: &str,
) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(name)
                .table(Alias::new(table))
                .col(Alias::new(column))
                .if_not_exists()
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut aggregator = Table::create();
        aggregator
            .table(Alias::new("storage_aggregator"))
            .if_not_exists();
        base_columns(&mut aggregator)
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("parent_storage_aggregator_id"))
                    .uuid()
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("direct_storage_bucket_id"))
                    .uuid()
                    .null(),
            );
        manager.create_table(aggregator).await?;

        let mut bucket = Table::create();
        bucket.table(Alias::new("storage_bucket")).if_not_exists();
        base_columns(&mut bucket)
            .col(
                ColumnDef::new(Alias::new("allowed_mime_types"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("max_file_size"))
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("storage_aggregator_id"))
                    .uuid()
                    .null(),
            )
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut fk(
                "fk_bucket_aggregator",
                "storage_bucket",
                "storage_aggregator_id",
                "storage_aggregator",
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(bucket).await?;
        index(
            manager,
            "idx_storage_bucket_aggregator",
            "storage_bucket",
            "storage_aggregator_id",
        )
        .await?;

        let mut file = Table::create();
        file.table(Alias::new("file")).if_not_exists();
        base_columns(&mut file)
            .col(
                ColumnDef::new(Alias::new("display_name"))
                    .string_len(512)
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("mime_type"))
                    .string_len(128)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("size")).big_integer().not_null())
            .col(
                ColumnDef::new(Alias::new("external_id"))
                    .string_len(128)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("created_by")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("temporary_location"))
                    .boolean()
                    .not_null()
                    .default(false),
            )
            .col(
                ColumnDef::new(Alias::new("storage_bucket_id"))
                    .uuid()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("tags")).json_binary().not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut fk(
                "fk_file_bucket",
                "file",
                "storage_bucket_id",
                "storage_bucket",
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(file).await?;
        index(manager, "idx_file_bucket", "file", "storage_bucket_id").await?;
        index(manager, "idx_file_external_id", "file", "external_id").await?;

        let mut location = Table::create();
        location.table(Alias::new("location")).if_not_exists();
        base_columns(&mut location)
            .col(ColumnDef::new(Alias::new("city")).string_len(128).null())
            .col(ColumnDef::new(Alias::new("country")).string_len(128).null())
            .col(
                ColumnDef::new(Alias::new("address_line1"))
                    .string_len(512)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("address_line2"))
                    .string_len(512)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("state_or_province"))
                    .string_len(128)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("postal_code"))
                    .string_len(128)
                    .null(),
            )
            .col(
                ColumnDef::new(Alias::new("geo_location"))
                    .json_binary()
                    .not_null(),
            );
        manager.create_table(location).await?;

        let mut profile = Table::create();
        profile.table(Alias::new("profile")).if_not_exists();
        base_columns(&mut profile)
            .col(ColumnDef::new(Alias::new("display_name")).text().not_null())
            .col(ColumnDef::new(Alias::new("tagline")).text().null())
            .col(ColumnDef::new(Alias::new("description")).text().null())
            .col(ColumnDef::new(Alias::new("type")).string_len(64).not_null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("location_id")).uuid().null())
            .col(
                ColumnDef::new(Alias::new("storage_bucket_id"))
                    .uuid()
                    .null(),
            );
        manager.create_table(profile).await?;

        let mut tagset = Table::create();
        tagset.table(Alias::new("tagset")).if_not_exists();
        base_columns(&mut tagset)
            .col(
                ColumnDef::new(Alias::new("name"))
                    .string_len(255)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("tags")).json_binary().not_null())
            .col(ColumnDef::new(Alias::new("type")).string_len(32).not_null())
            .col(
                ColumnDef::new(Alias::new("allowed_values"))
                    .json_binary()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("sort_order"))
                    .integer()
                    .not_null()
                    .default(0),
            )
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut fk(
                "fk_tagset_profile",
                "tagset",
                "profile_id",
                "profile",
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(tagset).await?;
        index(manager, "idx_tagset_profile", "tagset", "profile_id").await?;

        let mut reference = Table::create();
        reference.table(Alias::new("reference")).if_not_exists();
        base_columns(&mut reference)
            .col(
                ColumnDef::new(Alias::new("name"))
                    .string_len(255)
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("uri")).text().not_null())
            .col(ColumnDef::new(Alias::new("description")).text().null())
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut fk(
                "fk_reference_profile",
                "reference",
                "profile_id",
                "profile",
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(reference).await?;
        index(manager, "idx_reference_profile", "reference", "profile_id").await?;

        let mut visual = Table::create();
        visual.table(Alias::new("visual")).if_not_exists();
        base_columns(&mut visual)
            .col(ColumnDef::new(Alias::new("name")).string_len(64).not_null())
            .col(ColumnDef::new(Alias::new("uri")).text().not_null())
            .col(ColumnDef::new(Alias::new("min_width")).integer().not_null())
            .col(ColumnDef::new(Alias::new("max_width")).integer().not_null())
            .col(
                ColumnDef::new(Alias::new("min_height"))
                    .integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("max_height"))
                    .integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("aspect_ratio"))
                    .double()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Alias::new("allowed_types"))
                    .json_binary()
                    .not_null(),
            )
            .col(ColumnDef::new(Alias::new("alternative_text")).text().null())
            .col(ColumnDef::new(Alias::new("sort_order")).integer().null())
            .col(ColumnDef::new(Alias::new("profile_id")).uuid().null())
            .col(ColumnDef::new(Alias::new("authorization_id")).uuid().null())
            .foreign_key(&mut fk(
                "fk_visual_profile",
                "visual",
                "profile_id",
                "profile",
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(visual).await?;
        index(manager, "idx_visual_profile", "visual", "profile_id").await?;

        // actors get their profile and (users, organizations, accounts) their storage
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("actor"))
                    .add_column(ColumnDef::new(Alias::new("profile_id")).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("actor"))
                    .add_column(
                        ColumnDef::new(Alias::new("storage_aggregator_id"))
                            .uuid()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("platform"))
                    .add_column(
                        ColumnDef::new(Alias::new("storage_aggregator_id"))
                            .uuid()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }
}
