//! Server-rendered pages of the explorer. Every page is built as data — a title, an optional
//! filter form (a plain GET form: the page state lives in the URL), and sections holding text,
//! key/value pairs, inline SVG figures and tables — rendered by one minijinja template embedded
//! in the binary. Each table can be downloaded as CSV or JSON from the same URL with
//! `download=<table id>&format=csv|json`; each figure is followed by its table equivalent, and can
//! be downloaded as SVG, PNG or PDF with `figure=<figure id>&format=svg|png|pdf` (the id is the
//! figure's table id; `mlgov_charts::FigureFormat` parses the format and renders).
//! JavaScript (the Vite bundle) only enhances: type-ahead, the map, the interactive graph.

mod actors;
mod analyses;
mod compare;
mod diffusion;
mod download;
mod findings;
mod graph;
mod home;
mod localities;
mod map;
mod model;
mod networks;
mod practices;
mod render;
mod sources;
mod surveys;
mod tables;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub(crate) use download::download;
pub(crate) use model::{Cell, Field, Page, PostForm, Section, Table};
pub(crate) use model::{input, link, section, select, t, table};
pub(crate) use render::html;
pub(crate) use render::{PageError, carry_param, not_found_page};

/// Adds the page routes to `router`.
pub(crate) fn routes(router: Router<AppState>) -> Router<AppState> {
    router
        .route("/", get(home::home))
        .route("/search", get(home::search))
        .route("/localities", get(localities::localities))
        .route("/localities/{id}", get(localities::locality))
        .route("/networks", get(networks::networks))
        .route("/networks/{id}", get(networks::network))
        .route("/organisations/{id}", get(actors::organisation))
        .route("/persons/{id}", get(actors::person))
        .route("/map", get(map::map))
        .route("/graph", get(graph::graph))
        .route("/survey", get(surveys::survey_page))
        .route("/diffusion", get(diffusion::diffusion))
        .route("/analyses", get(analyses::analyses))
        .route("/compare", get(compare::compare_page))
        .route("/sources", get(sources::sources))
        .route("/sources/{id}", get(sources::source))
        .route("/sources/{id}/passage", get(sources::passage))
        .route("/statements/{id}", get(sources::statement))
        .route("/practices", get(practices::practices))
        .route("/practices/{id}", get(practices::practice))
        .route("/conflicts", get(practices::conflicts))
}
