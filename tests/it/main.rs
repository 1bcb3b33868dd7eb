//! Integration tests: one test binary, one module per concern.

mod build;
mod docx;
mod fixtures;
mod manuscript;
mod support;
