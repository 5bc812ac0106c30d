//! `alkemio-server seed`: fills the database with public spaces and subspaces with full
//! profiles (tagline, Markdown description, three tags, a location, a reference), created by the
//! bootstrap global admin through the same services the API uses, so their policies, licenses
//! and roles are real. For benchmarks and demonstrations.

use std::io::Write;

use alkemio_authorization::ActorContext;
use alkemio_common::profile::{LocationInput, NewProfile, NewReference, NewTagset};
use alkemio_configuration::settings::Settings;
use alkemio_kernel::ids::ActorId;
use alkemio_space::SpacePrivacyMode;
use alkemio_space::model::{NewSpace, SettingsChange};

use crate::startup::{self, Core};

const CITIES: [(&str, &str); 5] = [
    ("Amsterdam", "NL"),
    ("Utrecht", "NL"),
    ("Berlin", "DE"),
    ("Lisbon", "PT"),
    ("Oslo", "NO"),
];

fn profile(name: String, i: usize) -> NewProfile {
    let (city, country) = CITIES[i % CITIES.len()];
    NewProfile {
        tagline: Some(format!("Working together on {name}")),
        description: Some(format!(
            "## {name}\n\nA space to **share ideas**, plan actions and learn together.\n\n- meet\n- build\n- share"
        )),
        location: LocationInput {
            city: Some(city.to_owned()),
            country: Some(country.to_owned()),
            ..Default::default()
        },
        references: vec![NewReference {
            name: "Website".to_owned(),
            uri: format!("https://example.org/{}", i + 1),
            description: Some("Where to read more".to_owned()),
        }],
        tagsets: vec![NewTagset {
            name: "default".to_owned(),
            tags: vec![
                "climate".to_owned(),
                "cities".to_owned(),
                format!("topic-{}", i % 7),
            ],
        }],
        display_name: name,
        visuals: Vec::new(),
        visual_uris: Vec::new(),
    }
}

fn new_space(name: String, i: usize, public: bool) -> NewSpace {
    NewSpace {
        flow: None,
        license_plan_id: None,
        name_id: None,
        profile: profile(name, i),
        why: Some("To make change happen together".to_owned()),
        who: Some("Everyone who cares".to_owned()),
        guidelines: None,
        settings: SettingsChange {
            privacy_mode: public.then_some(SpacePrivacyMode::Public),
            ..Default::default()
        },
        base_settings: None,
    }
}

/// Creates `spaces` public L0 spaces with `subspaces` subspaces each on the global admin's
/// account, printing progress to standard error.
pub async fn seed(settings: Settings, spaces: usize, subspaces: usize) -> anyhow::Result<()> {
    let core = Core::build(&settings).await?;
    let services = &core.services;
    let admin = services
        .users
        .user_by_email(&settings.bootstrap.admin_email)
        .await
        .map_err(startup::to_anyhow)?
        .ok_or_else(|| anyhow::anyhow!("the bootstrap admin does not exist"))?;
    let account = admin
        .account_id
        .ok_or_else(|| anyhow::anyhow!("the bootstrap admin has no account"))?;
    let credentials = services
        .actors
        .credentials(ActorId(admin.id.0))
        .await
        .map_err(startup::to_anyhow)?
        .unwrap_or_default();
    let caller = ActorContext::authenticated(admin.id.0, credentials);
    let total = spaces * (1 + subspaces);
    let started = std::time::Instant::now();
    let mut done = 0;
    let mut stderr = std::io::stderr();
    for i in 0..spaces {
        let space = services
            .spaces
            .create_space(
                &caller,
                account,
                new_space(format!("Seeded Space {}", i + 1), i, true),
            )
            .await
            .map_err(startup::to_anyhow)?;
        done += 1;
        for j in 0..subspaces {
            services
                .spaces
                .create_subspace(
                    &caller,
                    space.id,
                    new_space(format!("Seeded Subspace {}.{}", i + 1, j + 1), j, true),
                )
                .await
                .map_err(startup::to_anyhow)?;
            done += 1;
        }
        let width = 30;
        let filled = done * width / total.max(1);
        let _ = write!(
            stderr,
            "\rseeding [{}{}] {done}/{total} spaces",
            "#".repeat(filled),
            " ".repeat(width - filled)
        );
        let _ = stderr.flush();
    }
    let _ = writeln!(stderr);
    println!(
        "seeded {spaces} spaces with {subspaces} subspaces each ({total} in all) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    core.db.close().await;
    Ok(())
}
