//! Building blocks that many domain entities share. For now: visual types and their upload
//! constraints, which the client reads through `platform.configuration`.

pub mod visual;
