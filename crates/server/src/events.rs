//! The background side of domain events: the outbox relay, and the notification consumer
//! (in this process, or as its own process with `alkemio-server notifications`).

use std::sync::Arc;

use alkemio_configuration::{EmailTransport, Settings};
use alkemio_events::rabbit::{self, Publisher};
use alkemio_events::{Consumers, EventConsumer, Relay, RetryPolicy, Sink};
use alkemio_notification::{CONSUMER, Mailer, NotificationConsumer, SmtpSecurity, SmtpSettings};
use alkemio_persistence::uncounted;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::startup::Core;

/// The retry policy from the settings.
pub fn retry_policy(settings: &Settings) -> RetryPolicy {
    RetryPolicy {
        max_attempts: settings.events.max_attempts,
        base_delay: settings.events.retry_base,
        max_delay: settings.events.retry_max,
    }
}

/// The mailer the settings ask for.
pub fn mailer(settings: &Settings) -> anyhow::Result<Mailer> {
    let from = &settings.notifications.email_from;
    let mailer = match &settings.notifications.email {
        EmailTransport::Smtp {
            host,
            port,
            security,
            credentials,
        } => Mailer::smtp(
            &SmtpSettings {
                host: host.clone(),
                port: *port,
                security: match security.as_str() {
                    "tls" => SmtpSecurity::Tls,
                    "none" => SmtpSecurity::None,
                    _ => SmtpSecurity::StartTls,
                },
                credentials: credentials.clone(),
            },
            from,
        ),
        EmailTransport::Files(dir) => Mailer::files(dir.clone(), from),
        EmailTransport::ReferenceQueue(queue) => {
            let rabbit = settings
                .events
                .rabbitmq
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("the reference's queue needs RABBITMQ_HOST"))?;
            Ok(Mailer::reference_queue(
                Publisher::new(rabbit.uri.clone(), rabbit.namespace.clone(), Vec::new()),
                queue.clone(),
            ))
        }
    };
    mailer.map_err(|e| anyhow::anyhow!("e-mail: {e}"))
}

/// The notification consumer over the core's services.
pub fn notification_consumer(
    core: &Core,
    settings: &Settings,
) -> anyhow::Result<NotificationConsumer> {
    Ok(NotificationConsumer::new(
        core.db.clone(),
        core.services.users.clone(),
        core.services.spaces.clone(),
        core.services.platform.clone(),
        mailer(settings)?,
        core.services.notifications.clone(),
        settings.http.endpoint_cluster.clone(),
    ))
}

/// Running background tasks.
pub struct Background {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Background {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Background({} tasks)", self.tasks.len())
    }
}

impl Background {
    /// Starts the relay and, when this process runs it, the notification consumer. Both run
    /// `uncounted`: the statement counter tells what requests cost.
    pub async fn start(core: &Core, settings: &Settings) -> anyhow::Result<Self> {
        let (stop, stop_rx) = watch::channel(false);
        let mut tasks = Vec::new();
        let retry = retry_policy(settings);
        let consumer: Option<Arc<dyn EventConsumer>> = if settings.notifications.worker_in_process {
            Some(Arc::new(notification_consumer(core, settings)?))
        } else {
            None
        };
        let sink = match &settings.events.rabbitmq {
            Some(rabbit) => {
                let notifications = core.services.notifications.clone();
                tasks.push(tokio::spawn(rabbit::run_live_listener(
                    rabbit.uri.clone(),
                    rabbit.namespace.clone(),
                    Arc::new(move |body: &[u8]| {
                        match serde_json::from_slice::<alkemio_notification::Live>(body) {
                            Ok(live) => notifications.deliver_live(live),
                            Err(e) => tracing::warn!(error = %e, "undecodable live update"),
                        }
                    }),
                    stop_rx.clone(),
                )));
                // the AI engines' ingest results
                for (queue, website) in [
                    (
                        alkemio_virtual_contributor::engines::BODY_OF_KNOWLEDGE_RESULTS,
                        false,
                    ),
                    (alkemio_virtual_contributor::engines::WEBSITE_RESULTS, true),
                ] {
                    let vcs = core.services.virtual_contributors.clone();
                    tasks.push(tokio::spawn(rabbit::run_bus_listener(
                        rabbit.uri.clone(),
                        alkemio_virtual_contributor::engines::exchange(&rabbit.event_bus_prefix),
                        format!("{}{}", rabbit.event_bus_prefix, queue.0),
                        queue.1.to_owned(),
                        Arc::new(move |body: Vec<u8>| {
                            let vcs = vcs.clone();
                            Box::pin(async move {
                                if let Err(e) = vcs.ingest_result(&body, website).await {
                                    tracing::warn!(error = ?e, "ingest result not recorded");
                                }
                            })
                        }),
                        stop_rx.clone(),
                    )));
                }
                // the engines' answers, posted as replies
                {
                    let vcs = core.services.virtual_contributors.clone();
                    let rooms = core.services.communication.clone();
                    let (queue, key) = alkemio_virtual_contributor::invocation::ENGINE_RESULTS;
                    tasks.push(tokio::spawn(rabbit::run_bus_listener(
                        rabbit.uri.clone(),
                        alkemio_virtual_contributor::engines::exchange(&rabbit.event_bus_prefix),
                        format!("{}{queue}", rabbit.event_bus_prefix),
                        key.to_owned(),
                        Arc::new(move |body: Vec<u8>| {
                            let vcs = vcs.clone();
                            let rooms = rooms.clone();
                            Box::pin(async move {
                                if let Err(e) = vcs.engine_answer(&rooms, &body).await {
                                    tracing::warn!(error = ?e, "engine answer not posted");
                                }
                            })
                        }),
                        stop_rx.clone(),
                    )));
                }
                if let Some(consumer) = consumer {
                    tasks.push(tokio::spawn(uncounted(rabbit::run_consumer(
                        rabbit.uri.clone(),
                        rabbit.namespace.clone(),
                        consumer,
                        retry.clone(),
                        stop_rx.clone(),
                    ))));
                }
                Sink::Broker(Box::new(Publisher::new(
                    rabbit.uri.clone(),
                    rabbit.namespace.clone(),
                    vec![CONSUMER],
                )))
            }
            None => {
                let mut consumers = Consumers::new();
                if let Some(consumer) = consumer {
                    consumers.add(consumer);
                }
                Sink::InProcess(Arc::new(consumers))
            }
        };
        let relay = Relay::new(core.db.clone(), &core.outbox, sink, retry);
        {
            let search = core.services.search.clone();
            let period = settings.search.refresh;
            let stop = stop_rx.clone();
            tasks.push(tokio::spawn(uncounted(async move {
                search.keep_fresh(period, stop).await
            })));
        }
        tasks.push(tokio::spawn(uncounted(relay.run(stop_rx))));
        Ok(Self { stop, tasks })
    }

    /// Runs only the notification consumer on the broker (`alkemio-server notifications`).
    pub fn consumer_only(core: &Core, settings: &Settings) -> anyhow::Result<Self> {
        let rabbit = settings.events.rabbitmq.as_ref().ok_or_else(|| {
            anyhow::anyhow!(
                "the notification service runs on its own only with a broker: set RABBITMQ_HOST"
            )
        })?;
        let (stop, stop_rx) = watch::channel(false);
        let consumer: Arc<dyn EventConsumer> = Arc::new(notification_consumer(core, settings)?);
        let task = tokio::spawn(rabbit::run_consumer(
            rabbit.uri.clone(),
            rabbit.namespace.clone(),
            consumer,
            retry_policy(settings),
            stop_rx,
        ));
        Ok(Self {
            stop,
            tasks: vec![task],
        })
    }

    /// Stops the tasks, waiting up to 10 s for them to finish what they are doing.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            if tokio::time::timeout(std::time::Duration::from_secs(10), task)
                .await
                .is_err()
            {
                tracing::warn!("a background task did not stop in time");
            }
        }
    }
}
