//! Integration tests of mlgov-survey: instrument, intake, analyses, bootstrap, properties, report.

mod integration {
    pub mod analysis;
    pub mod files;
    pub mod fixtures;
    pub mod instrument;
    pub mod intake;
    pub mod intervals;
    pub mod linked;
    pub mod properties;
    pub mod release;
    pub mod report;
    pub mod tools;
}
