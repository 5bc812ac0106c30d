//! Templates: an L0 space (and, later, the platform) has a templates manager with its default
//! templates and a templates set; a template in a set is a post description or a whiteboard
//! (callout, community guidelines and space templates come with their content). Every policy
//! here inherits its parent's: the owner's admins create, change and delete templates, and
//! whoever reads the owner reads them.

pub mod content_space;
pub mod model;
pub mod repo;
pub mod service;

pub use model::{
    Template, TemplateDefault, TemplateDefaultType, TemplateType, TemplatesManager, TemplatesSet,
};
pub use service::{NewTemplate, TemplateChanges, TemplateService};
