//! The OpenAPI 3 document of the JSON API (utoipa), served at `/api/openapi.json` and browsed
//! offline at `/api/docs` (Swagger UI, vendored).

use utoipa::OpenApi;

use crate::api;
use crate::error::{ErrorBody, ErrorDetail, FieldError};
use crate::wire::*;

/// The API document.
#[derive(OpenApi)]
#[openapi(
    info(title = "mlgov API", description = "Read access to the mlgov knowledge base of the multilevel governance of migration and its analyses. Every list is paginated (`page`, `per_page`, `meta` in the body); every cacheable GET carries an ETag and answers 304 to a matching If-None-Match; every error has the body {\"error\": {\"code\", \"message\", \"fields\"}}. Anonymised localities appear only by their public label.", license(name = "Apache-2.0")),
    paths(
        api::get_overview, api::search,
        api::list_localities, api::localities_geojson, api::network_members_geojson, api::get_locality, api::get_timeline, api::get_trajectory,
        api::list_networks, api::get_network, api::get_assemblage, api::list_typology,
        api::list_organisations, api::get_organisation, api::list_persons, api::get_person,
        api::list_events, api::list_memberships, api::list_sources, api::get_source,
        api::compare, api::compare_body, api::list_crosstabs, api::get_crosstab, api::list_countries, api::list_phases,
        api::get_hypotheses, api::list_conflicts, api::reload,
        crate::changes::propose, crate::changes::list, crate::changes::get, crate::changes::comment, crate::changes::approve, crate::changes::reject,
        crate::graphapi::get_graph, crate::survey::get_survey, crate::diffusionapi::get_diffusion,
        crate::learningapi::get_learning, crate::survey::get_locality_survey,
    ),
    components(schemas(crate::changes::ChangeRequest, crate::changes::TextRequest, crate::changes::DiffRow, crate::changes::Diff, crate::changes::ProposalOut, crate::changes::ProposalList, ErrorBody, ErrorDetail, FieldError, PageMeta, EntityRef, api::CompareRequest)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "knowledge base", description = "Counts, search, reload"),
        (name = "entities", description = "Localities, networks, organisations, persons, events, memberships"),
        (name = "sources", description = "Sources, what cites them, conflicts between statements"),
        (name = "analyses", description = "Time lines, trajectories, comparisons, cross-tabs, typology, hypotheses, graph, survey, diffusion"),
    )
)]
pub struct ApiDoc;

/// Declares the two ways to authenticate: an API token (`Authorization: Bearer …`, issued by
/// `mlgov token issue`) and the session cookie set by `/login`.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("API token from `mlgov token issue`")).build()),
        );
        components.add_security_scheme("session", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(mlgov_auth::http::COOKIE))));
    }
}

/// The document as pretty JSON.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serialises")
}
