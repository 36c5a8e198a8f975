//! Integration tests of mlgov-server: a real server on loopback (127.0.0.1, port 0) over a real
//! SQLite file loaded with the bundled knowledge base (`data/kb`), and the OpenAPI snapshot.

mod integration {
    mod api;
    mod changes;
    pub mod common;
    mod edge;
    mod openapi;
    mod pages;
    mod surveys;
}
