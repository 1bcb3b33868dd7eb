//! Integration tests: one test binary, one module per concern.

mod build;
mod cli;
mod comparison;
mod diff;
mod docx;
mod emitters;
mod fixtures;
mod fuzz;
mod hardening;
mod html;
mod import;
mod init;
mod inputs;
mod limits;
mod lints;
mod manuscript;
mod messages;
mod mindmap;
mod schema;
mod serve;
mod source;
mod status;
mod support;
mod templates;
mod view;
mod writes;
