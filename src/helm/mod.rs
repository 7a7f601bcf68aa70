//! Helm charts rendered in-process: chart loading, values, a Go
//! `text/template` engine with Sprig's and Helm's functions, and the origin
//! map that points findings in rendered output back at template and values
//! lines.

pub mod capabilities;
pub mod chart;
pub mod deps;
pub mod files;
pub mod funcs;
pub mod ignore;
pub mod lint;
pub mod manifest;
pub mod render;
pub mod semver;
pub mod strvals;
pub mod template;
pub mod value;
pub mod values;
