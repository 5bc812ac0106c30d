//! Migrations and the database handle, on both backends.

use alkemio_configuration::Settings;
use alkemio_persistence::{Backend as DbBackend, Database};

use crate::helpers::{Backend, TestDatabase, test_env};
use crate::on_both_backends;

on_both_backends!(migrations_apply_once_and_rerun_cleanly);

async fn migrations_apply_once_and_rerun_cleanly(backend: Backend) {
    let test_db = TestDatabase::create(backend).await;
    let settings = Settings::from_env(&test_env(&test_db)).unwrap();
    let db = Database::connect(&settings.database).await.unwrap();
    assert_eq!(
        db.backend(),
        if backend == Backend::Postgres {
            DbBackend::Postgres
        } else {
            DbBackend::Sqlite
        }
    );
    assert!(
        db.applied_migrations().await.is_err() || db.applied_migrations().await.unwrap().is_empty()
    );
    db.migrate().await.unwrap();
    let applied = db.applied_migrations().await.unwrap();
    assert!(
        applied
            .iter()
            .any(|m| m == "m20261126_000001_platform_create"),
        "{applied:?}"
    );
    // running again changes nothing
    db.migrate().await.unwrap();
    assert_eq!(db.applied_migrations().await.unwrap(), applied);
    db.ping().await.unwrap();
    let before = db.statements().get();
    db.applied_migrations().await.unwrap();
    assert!(db.statements().get() > before, "statements are counted");
    db.close().await;
}
