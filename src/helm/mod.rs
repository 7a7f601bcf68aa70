//! Helm charts rendered in-process: chart loading, values, a Go
//! `text/template` engine with Sprig's and Helm's functions, and the origin
//! map that points findings in rendered output back at template and values
//! lines.

pub mod value;
