//! Communication: rooms and what is said in them. A room holds messages (a message either
//! starts a thread or replies in one), reactions to messages and each reader's read receipts.
//! Every space community has a communication whose `updates` room its admins post to and its
//! members read; user conversations (`conversation`) and, later, callout comments use rooms
//! the same way.
//!
//! The reference keeps messages in Matrix behind an adapter and learns of its own writes from
//! events the adapter echoes back; here a write is a row and its effects (the room's message
//! count, the live room events) follow in the same request.

pub mod authorization;
pub mod conversation;
mod conversation_repo;
pub mod mentions;
pub mod model;
pub mod repo;
pub mod service;

pub use model::{
    Communication, Message, Reaction, Room, RoomEvent, RoomEventKind, RoomType, VcInteraction,
};
pub use service::CommunicationService;
