//! Building blocks that many domain entities share: profiles with their parts, and visual types
//! with their constraints.

pub mod profile;
pub mod visual;
