//! The OpenAPI document is locked by a snapshot; it is also served as-is.

use super::common::Env;

#[test]
fn openapi_document_snapshot() {
    insta::assert_snapshot!("openapi", mlgov_server::openapi::json());
}

#[tokio::test]
async fn openapi_is_served_and_lists_every_route() {
    let env = Env::start().await;
    let j = env.get("/api/openapi.json").await.json();
    assert!(j["openapi"].as_str().unwrap().starts_with("3."));
    let paths = j["paths"].as_object().unwrap();
    for p in ["/api/v1/localities", "/api/v1/localities/{id}", "/api/v1/search", "/api/v1/networks/{id}", "/api/v1/graph", "/api/v1/survey", "/api/v1/diffusion", "/api/v1/conflicts"] {
        assert!(paths.contains_key(p), "{p} missing");
    }
    let docs = env.get("/api/docs/").await;
    assert_eq!(docs.status, 200);
    assert!(docs.text().contains("swagger"));
}
