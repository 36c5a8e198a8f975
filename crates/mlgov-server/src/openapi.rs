//! The OpenAPI 3 document of the JSON API (utoipa), served at `/api/openapi.json` and browsed
//! offline at `/api/docs` (Swagger UI, vendored).

use utoipa::OpenApi;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::Object;
use utoipa::openapi::{ContentBuilder, HeaderBuilder, ObjectBuilder, RefOr, Required, Type};

use crate::api;
use crate::error::{ErrorBody, ErrorDetail, FieldError};
use crate::listing::ListSpec;
use crate::wire::*;

/// The API document.
#[derive(OpenApi)]
#[openapi(
    info(title = "mlgov API", description = "Read access to the mlgov knowledge base of the multilevel governance of migration and its analyses. Every list sorts (`sort`, `direction`) and answers CSV of all its matching rows to `?format=csv` or `Accept: text/csv` (nested fields as `a.b` columns, lists joined with `; `, formula-like cells neutralised unless `raw=true`); in JSON, the lists of records are paginated (`page`, `per_page`, `meta` in the body, RFC 8288 `Link` headers: next, prev, first, last). Every cacheable GET carries an ETag and a Last-Modified date and answers 304 to a matching If-None-Match or If-Modified-Since; public GETs may be read from any origin (CORS). Every error has the body {\"error\": {\"code\", \"message\", \"fields\", \"request_id\"}} (a server error says only \"internal error\"; its cause is logged with the request id). Every response carries `X-Request-Id`: the request's own `X-Request-Id` when it sent one of 1–128 characters of `A-Z a-z 0-9 - _ . :`, else an id the server made. Anonymised localities appear only by their public label, never with coordinates.", license(name = "Apache-2.0")),
    paths(
        api::get_overview, api::search,
        api::list_localities, api::localities_geojson, api::network_members_geojson, api::get_locality, api::get_timeline, api::get_trajectory,
        api::list_networks, api::get_network, api::get_assemblage, api::list_typology,
        api::list_organisations, api::get_organisation, api::list_persons, api::get_person,
        api::list_events, api::list_memberships, api::list_sources, api::get_source, crate::bulk::get_release_zip,
        api::list_facts, api::list_terms, api::list_relations, api::list_affiliations, api::list_practices, api::get_practice, api::list_adoptions,
        api::compare, api::compare_body, api::list_crosstabs, api::get_crosstab, api::list_countries, api::list_phases,
        api::get_hypotheses, api::list_conflicts, api::reload,
        crate::changes::propose, crate::changes::list, crate::changes::get, crate::changes::comment, crate::changes::approve, crate::changes::reject,
        crate::graphapi::get_graph, crate::survey::get_survey, crate::diffusionapi::get_diffusion,
        crate::learningapi::get_learning, crate::survey::get_locality_survey,
        crate::accounts::list_tokens, crate::accounts::list_user_tokens, crate::accounts::revoke_token, crate::accounts::update_user,
    ),
    components(schemas(crate::changes::ChangeRequest, crate::changes::TextRequest, crate::changes::DiffRow, crate::changes::Diff, crate::changes::ProposalOut, crate::changes::ProposalList, ErrorBody, ErrorDetail, FieldError, PageMeta, EntityRef, api::CompareRequest, crate::accounts::TokenOut, crate::accounts::UserPatch, crate::accounts::UpdatedUserOut, crate::accounts::EndedOut)),
    modifiers(&SecuritySchemes, &ListParameters, &RequestIds),
    tags(
        (name = "knowledge base", description = "Counts, search, reload"),
        (name = "entities", description = "Localities, networks, organisations, persons, events, memberships"),
        (name = "sources", description = "Sources, what cites them, conflicts between statements"),
        (name = "statements", description = "Facts, office terms, relations, affiliations, practices and adoptions, each with its source and locator"),
        (name = "analyses", description = "Time lines, trajectories, comparisons, cross-tabs, typology, hypotheses, graph, survey, diffusion"),
        (name = "accounts", description = "API tokens and password changes (admin). A route naming an account or a token answers an account without the right 404, as for one that does not exist"),
    )
)]
pub struct ApiDoc;

/// Declares the two ways to authenticate: an API token (`Authorization: Bearer …`, issued by
/// `mlgov token issue`) and the session cookie set by `/login`.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("API token from `mlgov token issue`"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(mlgov_auth::http::COOKIE))),
        );
    }
}

/// Adds what every list endpoint of [`crate::listing::SPECS`] accepts and answers: `page` and
/// `per_page` (paginated lists), `format`, `sort` (its keys), `direction`, `raw`; CSV beside
/// JSON; the `Link` header.
struct ListParameters;

impl utoipa::Modify for ListParameters {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for spec in crate::listing::SPECS {
            let Some(op) = doc.paths.paths.get_mut(spec.path).and_then(|item| item.get.as_mut())
            else {
                panic!("list {} is not in the OpenAPI document", spec.path);
            };
            let params = op.parameters.get_or_insert_with(Vec::new);
            let filters = std::mem::take(params);
            params.extend(list_parameters(spec).into_iter().map(RefOr::T));
            params.extend(filters);
            if let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") {
                list_response(ok, spec);
            }
        }
    }
}

/// A string schema.
fn string() -> Object {
    ObjectBuilder::new().schema_type(Type::String).build()
}

/// A string schema of one of `w`.
fn words(w: &[&str]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(w.iter().map(|x| x.to_string())))
        .build()
}

/// An integer schema from `min` (to `max`), with its default.
fn int(min: f64, max: Option<f64>, default: usize) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min))
        .maximum(max)
        .default(Some(default.into()))
        .build()
}

/// An optional query parameter.
fn query(name: &str, schema: Object, description: String) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .schema(Some(schema))
        .description(Some(description))
        .build()
}

/// The parameters every list takes, before its own filters.
fn list_parameters(spec: &ListSpec) -> Vec<Parameter> {
    let mut common = Vec::new();
    if spec.paginated {
        common.push(query(
            "page",
            int(1.0, None, 1),
            "Page of the JSON list, from 1 (CSV gives every matching row)".into(),
        ));
        common.push(query(
            "per_page",
            int(1.0, Some(200.0), crate::listing::DEFAULT_PER_PAGE),
            "Items per JSON page, 1..=200 (CSV gives every matching row)".into(),
        ));
    }
    let keys: Vec<&str> = spec.sort.iter().map(|(k, _)| *k).collect();
    common.push(query(
        "format",
        words(&["json", "csv"]),
        "json (default) or csv; without it, `Accept: text/csv` asks for CSV".into(),
    ));
    common.push(query("sort", words(&keys), format!("Sort by this field of the items (text accent-insensitively, absent values last; equal keys keep the list's order): {}", spec.sort_keys())));
    common.push(query(
        "direction",
        words(&["asc", "desc"]),
        "asc (default) or desc; without `sort`, desc reverses the list's own order".into(),
    ));
    common.push(query("raw", ObjectBuilder::new().schema_type(Type::Boolean).default(Some(false.into())).build(), "CSV only: cells as stored, without neutralising formula-like cells (`=`, `+`, `-`, `@`, tab, CR) with a leading apostrophe".into()));
    common
}

/// What a list's 200 answer adds: CSV beside JSON, the `Link` header of pages, `Last-Modified`.
fn list_response(ok: &mut utoipa::openapi::Response, spec: &ListSpec) {
    let text = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("One row per item; header row of flattened field names".to_string()))
        .build();
    ok.content
        .insert("text/csv".into(), RefOr::T(ContentBuilder::new().schema(Some(text)).build()));
    if spec.paginated {
        ok.headers.insert("Link".into(), RefOr::T(HeaderBuilder::new().schema(Some(string())).description(Some("RFC 8288 links to the next, prev, first and last pages (JSON), with the request's other parameters")).build()));
    }
    ok.headers.insert(
        "Last-Modified".into(),
        RefOr::T(
            HeaderBuilder::new()
                .schema(Some(string()))
                .description(Some("When this server loaded the data it answers from"))
                .build(),
        ),
    );
}

/// Declares the `X-Request-Id` header (a reusable component) on every response of every
/// operation: the id the error envelope repeats as `error.request_id` and the log line of a
/// server error carries.
struct RequestIds;

impl utoipa::Modify for RequestIds {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{HeaderBuilder, ObjectBuilder, Ref, RefOr, Type};
        let schema = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[A-Za-z0-9._:-]{1,128}$"))
            .build();
        let header = HeaderBuilder::new()
            .schema(Some(schema))
            .description(Some("The id of this request: its own `X-Request-Id` when it sent a sane one (1–128 characters of `A-Z a-z 0-9 - _ . :`), else one the server made; errors repeat it as `error.request_id`, and the server's log line of a server error carries it"))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .headers
            .insert("X-Request-Id".into(), RefOr::T(header));
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ]
            .into_iter()
            .flatten()
            {
                for response in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = response {
                        r.headers.insert(
                            "X-Request-Id".into(),
                            RefOr::Ref(Ref::new("#/components/headers/X-Request-Id")),
                        );
                    }
                }
            }
        }
    }
}

/// The document as pretty JSON.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("the OpenAPI document serialises")
}
