//! Copies of a collaboration's content, as the inputs that create it again: its innovation
//! flow and its callouts (framing with its profile, link, whiteboard or memo; settings;
//! contribution defaults; flow state; sort order). Contributions, comments and the timeline
//! are not copied, nor are poll framings (their votes are the content), media galleries and office
//! documents (as in the reference).
//! Space templates are made and applied with these.

use uuid::Uuid;

use crate::innovation_flow::{FlowInput, NewState};
use crate::model::{CalloutFramingType, CalloutSelectionMode, SelectionSettings};
use crate::repo;
use crate::service::{CollaborationService, NewCallout, SettingsChanges};
use alkemio_kernel::AppResult;

impl CollaborationService {
    /// The innovation flow of a collaboration as the input that creates it again.
    pub async fn flow_copy(&self, collaboration: Uuid) -> AppResult<Option<FlowInput>> {
        let conn = self.conn();
        let Some(c) = repo::collaborations(conn, &[collaboration])
            .await?
            .remove(&collaboration)
        else {
            return Ok(None);
        };
        let Some(flow_id) = c.innovation_flow_id else {
            return Ok(None);
        };
        let Some(flow) = repo::flows(conn, &[flow_id]).await?.remove(&flow_id) else {
            return Ok(None);
        };
        let states = repo::states_of(conn, &[flow_id]).await?;
        Ok(Some(FlowInput {
            profile: self.profiles().copy_of(flow.profile_id).await?,
            states: states
                .into_iter()
                .map(|s| NewState {
                    display_name: s.display_name,
                    description: s.description,
                    settings: Some(s.settings),
                    sort_order: Some(s.sort_order),
                })
                .collect(),
        }))
    }

    /// The callouts of a collaboration as the inputs that create them again, in display
    /// order.
    pub async fn callout_copies(&self, collaboration: Uuid) -> AppResult<Vec<NewCallout>> {
        let conn = self.conn();
        let Some(c) = repo::collaborations(conn, &[collaboration])
            .await?
            .remove(&collaboration)
        else {
            return Ok(Vec::new());
        };
        let callouts = repo::callouts_of_sets(conn, &[c.callouts_set_id]).await?;
        let framings = repo::framings(
            conn,
            &callouts.iter().map(|c| c.framing_id).collect::<Vec<_>>(),
        )
        .await?;
        let defaults = repo::contribution_defaults(
            conn,
            &callouts
                .iter()
                .map(|c| c.contribution_defaults_id)
                .collect::<Vec<_>>(),
        )
        .await?;
        let mut out = Vec::new();
        for callout in callouts {
            let Some(framing) = framings.get(&callout.framing_id) else {
                continue;
            };
            if matches!(
                framing.framing_type,
                CalloutFramingType::Poll
                    | CalloutFramingType::MediaGallery
                    | CalloutFramingType::CollaboraDocument
            ) {
                continue;
            }
            let link = match framing.link_id {
                Some(id) => match repo::links(conn, &[id]).await?.remove(&id) {
                    Some(l) => Some(crate::content::NewLink {
                        profile: self.profiles().copy_of(l.profile_id).await?,
                        uri: Some(l.uri),
                    }),
                    None => None,
                },
                None => None,
            };
            let whiteboard = match framing.whiteboard_id {
                Some(id) => match repo::whiteboards(conn, &[id]).await?.remove(&id) {
                    Some(w) => Some(crate::content::NewWhiteboard {
                        name_id: None,
                        profile: Some(self.profiles().copy_of(w.profile_id).await?),
                        content: Some(w.content),
                        preview: Some(crate::content::PreviewChanges {
                            mode: Some(w.preview_settings.mode),
                            coordinates: w.preview_settings.coordinates,
                        }),
                    }),
                    None => None,
                },
                None => None,
            };
            let memo = match framing.memo_id {
                Some(id) => match repo::memos(conn, &[id]).await?.remove(&id) {
                    Some(m) => Some(crate::content::NewMemo {
                        name_id: None,
                        profile: Some(self.profiles().copy_of(m.profile_id).await?),
                        markdown: m.markdown,
                    }),
                    None => None,
                },
                None => None,
            };
            let mut settings = callout.settings.clone();
            if matches!(
                framing.framing_type,
                CalloutFramingType::Contributors | CalloutFramingType::Spaces
            ) {
                // a selection names members or subspaces of the copied space only
                settings.framing.selection = Some(SelectionSettings {
                    mode: CalloutSelectionMode::Auto,
                    selected_ids: Vec::new(),
                });
            }
            let d = defaults.get(&callout.contribution_defaults_id);
            out.push(NewCallout {
                name_id: Some(callout.name_id.clone()),
                framing_type: Some(framing.framing_type),
                profile: self.profiles().copy_of(framing.profile_id).await?,
                tags: Vec::new(),
                settings: SettingsChanges::default(),
                base_settings: Some(settings),
                default_display_name: d.and_then(|d| d.default_display_name.clone()),
                post_description: d.and_then(|d| d.post_description.clone()),
                sort_order: Some(callout.sort_order),
                link,
                whiteboard,
                memo,
                poll: None,
                collabora: None,
                default_whiteboard_content: d.and_then(|d| d.whiteboard_content.clone()),
                contributions: Vec::new(),
                send_notification: false,
                classification: callout
                    .classification
                    .as_ref()
                    .and_then(|x| x.flow_state.clone())
                    .map(|s| vec![("flow-state".to_owned(), vec![s])])
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }
}
