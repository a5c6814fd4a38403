//! The OpenAPI document at `/api/v1/openapi.json`, generated from the handlers'
//! annotations and the [`crate::api`] types so it cannot drift from the code.

use crate::api;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cuenca COP API",
        description = "The common operating picture of the Caribbean Basin, as the caller's nation may see it. \
                       Every endpoint needs an API token (`Authorization: Bearer TOKEN`, or `access_token=TOKEN` \
                       where headers cannot be set). Roles: viewer < operator (/metrics) < admin (audit log)."
    ),
    paths(
        super::me,
        super::sensors_list,
        super::audit_tail,
        super::tracks::list,
        super::tracks::detail,
        super::tracks::history,
        super::stream::stream,
    ),
    components(schemas(
        api::Feature, api::FeatureCollection, api::TrackProperties, api::IdentityOut, api::Point,
        api::TrackDetail, api::ContributionOut, api::History, api::HistoryPoint, api::Me,
        api::Sensors, api::SensorStatus, api::ErrorBody, api::Link, api::StreamMessage,
    )),
    modifiers(&Bearer),
    tags((name = "tracks"), (name = "sensors"), (name = "access"))
)]
struct Doc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document as JSON.
pub fn document() -> String {
    Doc::openapi().to_pretty_json().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn document_lists_every_api_path_with_bearer_security() {
        let v: serde_json::Value = serde_json::from_str(&super::document()).unwrap();
        for p in [
            "/api/v1/tracks",
            "/api/v1/tracks/{id}",
            "/api/v1/tracks/{id}/history",
            "/api/v1/sensors",
            "/api/v1/stream",
            "/api/v1/me",
            "/api/v1/audit",
        ] {
            assert!(v["paths"][p]["get"].is_object(), "{p} missing");
            assert_eq!(
                v["paths"][p]["get"]["security"][0]["bearer"],
                serde_json::json!([]),
                "{p}"
            );
        }
        assert!(v["components"]["schemas"]["Feature"].is_object());
        assert_eq!(
            v["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        let params: Vec<&str> = v["paths"]["/api/v1/tracks"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(params, super::super::query::TRACK_PARAMS);
    }
}
