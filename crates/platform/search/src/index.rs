//! The index: one tantivy index in memory holding every searchable entity as a document, built
//! in one go from a [`Corpus`] and replaced whole by the next build.

use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TEXT, TantivyDocument, Value,
};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Term};
use uuid::Uuid;

use crate::repo::{Corpus, ProfileText, SpaceRef};
use crate::text::{allowed_edits, whiteboard_text, within, words};

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A level-zero space.
    Space,
    /// A space at level one or two.
    Subspace,
    /// A user.
    User,
    /// An organization.
    Organization,
    /// A callout.
    Callout,
    /// A post.
    Post,
    /// A whiteboard.
    Whiteboard,
    /// A memo.
    Memo,
    /// An office document.
    CollaboraDocument,
}

impl Kind {
    const ALL: [Kind; 9] = [
        Kind::Space,
        Kind::Subspace,
        Kind::User,
        Kind::Organization,
        Kind::Callout,
        Kind::Post,
        Kind::Whiteboard,
        Kind::Memo,
        Kind::CollaboraDocument,
    ];

    /// Its name in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Space => "space",
            Kind::Subspace => "subspace",
            Kind::User => "user",
            Kind::Organization => "organization",
            Kind::Callout => "callout",
            Kind::Post => "post",
            Kind::Whiteboard => "whiteboard",
            Kind::Memo => "memo",
            Kind::CollaboraDocument => "collabora_document",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whether a whiteboard, memo or office document frames its callout or was contributed to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Part of the callout's framing.
    Framing,
    /// A contribution (posts always are).
    Contribution,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Framing => "framing",
            Role::Contribution => "contribution",
        }
    }
}

/// A document as indexed.
#[derive(Debug, Clone)]
struct Doc {
    id: Uuid,
    kind: Kind,
    role: Option<Role>,
    /// The space it is in (spaces: themselves).
    space: Option<Uuid>,
    /// A subspace's parent.
    parent: Option<Uuid>,
    callout: Option<Uuid>,
    /// Every space it belongs to, at any level (what a space filter matches).
    scope: Vec<Uuid>,
    flow_state: Option<Uuid>,
    name: String,
    tags: String,
    text: String,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    kind: Field,
    role: Field,
    space: Field,
    parent: Field,
    callout: Field,
    scope: Field,
    flow_state: Field,
    name: Field,
    tags: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        role: b.add_text_field("role", STRING | STORED),
        space: b.add_text_field("space", STRING | STORED),
        parent: b.add_text_field("parent", STRING | STORED),
        callout: b.add_text_field("callout", STRING | STORED),
        scope: b.add_text_field("scope", STRING),
        flow_state: b.add_text_field("flow_state", STRING),
        name: b.add_text_field("name", TEXT | STORED),
        tags: b.add_text_field("tags", TEXT | STORED),
        text: b.add_text_field("text", TEXT | STORED),
    };
    (b.build(), fields)
}

/// One built index, searched until the next build replaces it.
pub struct Snapshot {
    reader: IndexReader,
    fields: Fields,
    documents: usize,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("documents", &self.documents)
            .finish()
    }
}

/// What a search asks of the index.
#[derive(Debug, Clone)]
pub struct IndexQuery<'a> {
    /// The terms, as typed.
    pub terms: &'a [String],
    /// The kinds wanted, each optionally only in one role.
    pub kinds: &'a [(Kind, Option<Role>)],
    /// Only documents in this space (at any level).
    pub scope: Option<Uuid>,
    /// Only documents of callouts in this flow state.
    pub flow_state: Option<Uuid>,
    /// At most this many, best first.
    pub limit: usize,
}

/// A document found, with its score (the terms it matched: [`Snapshot::matched_terms`]).
#[derive(Debug, Clone)]
pub struct Found {
    /// The entity.
    pub id: Uuid,
    /// What it is.
    pub kind: Kind,
    /// Framing or contribution, for content.
    pub role: Option<Role>,
    /// The space it is in (spaces: themselves).
    pub space: Option<Uuid>,
    /// A subspace's parent.
    pub parent: Option<Uuid>,
    /// The callout it belongs to (callouts: themselves).
    pub callout: Option<Uuid>,
    /// Relevance.
    pub score: f32,
    /// Where it is in this snapshot.
    pub address: DocAddress,
}

impl Snapshot {
    /// An empty index (before the first build; no writer, so no indexing memory).
    pub fn empty() -> tantivy::Result<Self> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            reader,
            fields,
            documents: 0,
        })
    }

    /// Indexes a corpus.
    pub fn build(corpus: Corpus) -> tantivy::Result<Self> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000)?;
        let docs = documents(corpus);
        let documents = docs.len();
        for d in docs {
            writer.add_document(fields.document(&d))?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            reader,
            fields,
            documents,
        })
    }

    /// How many documents it holds.
    pub fn documents(&self) -> usize {
        self.documents
    }

    /// The documents matching the query, best first (ties: the greater id first).
    pub fn search(&self, q: &IndexQuery<'_>) -> tantivy::Result<Vec<Found>> {
        let f = self.fields;
        let mut words_of_terms: Vec<(String, Vec<String>)> = Vec::new();
        for term in q.terms {
            let w: Vec<String> = words(term).collect();
            if !w.is_empty() {
                words_of_terms.push((term.clone(), w));
            }
        }
        if words_of_terms.is_empty() || q.kinds.is_empty() || q.limit == 0 {
            return Ok(Vec::new());
        }
        let mut matching: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen = HashSet::new();
        for word in words_of_terms.iter().flat_map(|(_, w)| w) {
            if !seen.insert(word.clone()) {
                continue;
            }
            for (field, boost) in [(f.name, 3.0), (f.tags, 2.0), (f.text, 1.0)] {
                let term = Term::from_field_text(field, word);
                matching.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                        boost,
                    )),
                ));
                let edits = allowed_edits(word);
                if edits > 0 {
                    matching.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new(term, edits, true)),
                            boost * 0.5,
                        )),
                    ));
                }
            }
        }
        let kinds: Vec<(Occur, Box<dyn Query>)> = q
            .kinds
            .iter()
            .map(|(kind, role)| {
                let mut parts: Vec<(Occur, Box<dyn Query>)> =
                    vec![(Occur::Must, exact(f.kind, kind.as_str()))];
                if let Some(role) = role {
                    parts.push((Occur::Must, exact(f.role, role.as_str())));
                }
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(parts)) as Box<dyn Query>,
                )
            })
            .collect();
        let mut all: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(matching))),
            (Occur::Must, Box::new(BooleanQuery::new(kinds))),
        ];
        if let Some(scope) = q.scope {
            all.push((Occur::Must, exact(f.scope, &scope.to_string())));
        }
        if let Some(state) = q.flow_state {
            all.push((Occur::Must, exact(f.flow_state, &state.to_string())));
        }
        let query = BooleanQuery::new(all);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(q.limit).order_by_score())?;
        let mut out = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            let uuid = |field: Field| Uuid::parse_str(text(field)).ok();
            let (Some(id), Some(kind)) = (uuid(f.id), Kind::parse(text(f.kind))) else {
                continue;
            };
            let role = match text(f.role) {
                "framing" => Some(Role::Framing),
                "contribution" => Some(Role::Contribution),
                _ => None,
            };
            out.push(Found {
                id,
                kind,
                role,
                space: uuid(f.space),
                parent: uuid(f.parent),
                callout: uuid(f.callout),
                score,
                address,
            });
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
        Ok(out)
    }
}

impl Snapshot {
    /// The search terms (as typed, in their order) that any of these documents matches: a word
    /// of the term equals a word of the document's name, tags or text, or is within the edits
    /// its length allows.
    pub fn matched_terms(&self, documents: &[DocAddress], terms: &[String]) -> Vec<String> {
        let f = self.fields;
        let searcher = self.reader.searcher();
        let mut doc_words: HashSet<String> = HashSet::new();
        for address in documents {
            let Ok(doc) = searcher.doc::<TantivyDocument>(*address) else {
                continue;
            };
            for field in [f.name, f.tags, f.text] {
                for value in doc.get_all(field) {
                    if let Some(s) = value.as_str() {
                        doc_words.extend(words(s));
                    }
                }
            }
        }
        terms
            .iter()
            .filter(|term| {
                words(term).any(|w| {
                    doc_words.contains(&w)
                        || doc_words.iter().any(|d| within(&w, d, allowed_edits(&w)))
                })
            })
            .cloned()
            .collect()
    }
}

fn exact(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

impl Fields {
    fn document(&self, d: &Doc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, d.id.to_string());
        doc.add_text(self.kind, d.kind.as_str());
        if let Some(role) = d.role {
            doc.add_text(self.role, role.as_str());
        }
        for (field, value) in [
            (self.space, d.space),
            (self.parent, d.parent),
            (self.callout, d.callout),
            (self.flow_state, d.flow_state),
        ] {
            if let Some(v) = value {
                doc.add_text(field, v.to_string());
            }
        }
        for s in &d.scope {
            doc.add_text(self.scope, s.to_string());
        }
        doc.add_text(self.name, &d.name);
        doc.add_text(self.tags, &d.tags);
        doc.add_text(self.text, &d.text);
        doc
    }
}

fn profile_text(p: &ProfileText, extra: &[Option<&str>]) -> String {
    [
        p.tagline.as_deref(),
        p.description.as_deref(),
        p.city.as_deref(),
        p.country.as_deref(),
    ]
    .into_iter()
    .chain(extra.iter().copied())
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
}

fn scope_of(space: &SpaceRef) -> Vec<Uuid> {
    let mut scope = vec![space.id];
    for s in [space.parent_space_id, space.level_zero_space_id]
        .into_iter()
        .flatten()
    {
        if !scope.contains(&s) {
            scope.push(s);
        }
    }
    scope
}

/// Every document of a corpus. Content (posts, whiteboards, memos, office documents) is indexed
/// only when it belongs to an indexed callout.
fn documents(corpus: Corpus) -> Vec<Doc> {
    let tags_of = |p: &ProfileText| {
        p.profile_id
            .and_then(|id| corpus.tags.get(&id))
            .map(|t| t.join(" "))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for s in &corpus.spaces {
        let space = SpaceRef {
            id: s.id,
            parent_space_id: s.parent_space_id,
            level_zero_space_id: s.level_zero_space_id,
        };
        out.push(Doc {
            id: s.id,
            kind: if s.level == 0 {
                Kind::Space
            } else {
                Kind::Subspace
            },
            role: None,
            space: Some(s.id),
            parent: s.parent_space_id,
            callout: None,
            scope: scope_of(&space),
            flow_state: None,
            name: s.profile.display_name.clone(),
            tags: tags_of(&s.profile),
            text: profile_text(&s.profile, &[s.why.as_deref(), s.who.as_deref()]),
        });
    }
    for (kind, rows) in [
        (Kind::User, &corpus.users),
        (Kind::Organization, &corpus.organizations),
    ] {
        for c in rows {
            out.push(Doc {
                id: c.id,
                kind,
                role: None,
                space: None,
                parent: None,
                callout: None,
                scope: Vec::new(),
                flow_state: None,
                name: c.profile.display_name.clone(),
                tags: tags_of(&c.profile),
                text: profile_text(&c.profile, &[]),
            });
        }
    }
    // where each piece of content sits: (callout, role)
    let mut placed: HashMap<(Kind, Uuid), (Uuid, Role)> = HashMap::new();
    let callouts: HashMap<Uuid, &crate::repo::CalloutRow> =
        corpus.callouts.iter().map(|c| (c.id, c)).collect();
    for c in &corpus.callouts {
        for (kind, id) in [
            (Kind::Whiteboard, c.whiteboard_id),
            (Kind::Memo, c.memo_id),
            (Kind::CollaboraDocument, c.collabora_document_id),
        ] {
            if let Some(id) = id {
                placed.insert((kind, id), (c.id, Role::Framing));
            }
        }
        out.push(Doc {
            id: c.id,
            kind: Kind::Callout,
            role: None,
            space: Some(c.space.id),
            parent: None,
            callout: Some(c.id),
            scope: scope_of(&c.space),
            flow_state: c.flow_state_id,
            name: c.profile.display_name.clone(),
            tags: tags_of(&c.profile),
            text: profile_text(&c.profile, &[]),
        });
    }
    for c in &corpus.contributions {
        if !callouts.contains_key(&c.callout_id) {
            continue;
        }
        for (kind, id) in [
            (Kind::Post, c.post_id),
            (Kind::Whiteboard, c.whiteboard_id),
            (Kind::Memo, c.memo_id),
            (Kind::CollaboraDocument, c.collabora_document_id),
        ] {
            if let Some(id) = id {
                placed.insert((kind, id), (c.callout_id, Role::Contribution));
            }
        }
    }
    for (kind, rows) in [
        (Kind::Post, &corpus.posts),
        (Kind::Whiteboard, &corpus.whiteboards),
        (Kind::Memo, &corpus.memos),
        (Kind::CollaboraDocument, &corpus.collabora_documents),
    ] {
        for row in rows {
            let Some((callout_id, role)) = placed.get(&(kind, row.id)).copied() else {
                continue;
            };
            let Some(callout) = callouts.get(&callout_id) else {
                continue;
            };
            let content = match (kind, row.content.as_deref()) {
                (Kind::Whiteboard, Some(scene)) => Some(whiteboard_text(scene)),
                (_, content) => content.map(str::to_owned),
            };
            out.push(Doc {
                id: row.id,
                kind,
                role: Some(role),
                space: Some(callout.space.id),
                parent: None,
                callout: Some(callout_id),
                scope: scope_of(&callout.space),
                flow_state: callout.flow_state_id,
                name: row.profile.display_name.clone(),
                tags: tags_of(&row.profile),
                text: profile_text(&row.profile, &[content.as_deref()]),
            });
        }
    }
    out
}
