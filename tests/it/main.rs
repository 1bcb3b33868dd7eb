//! Integration tests: one test binary, one module per concern.

mod build;
mod comparison;
mod docx;
mod emitters;
mod fixtures;
mod fuzz;
mod hardening;
mod html;
mod import;
mod inputs;
mod limits;
mod manuscript;
mod mindmap;
mod serve;
mod source;
mod support;
mod templates;
mod view;
mod writes;
