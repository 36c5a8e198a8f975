//! Roles, actions, resources and the permission matrix: who may do what, as data.
//!
//! The matrix [`MATRIX`] is the single source of truth; [`allowed`] looks it up and
//! [`Principal::may`] resolves the "only within the projects you belong to" grants.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A role. Every account has exactly one; requests without credentials act as [`Role::Public`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts, projects, tokens and surveys; reads everything.
    Admin,
    /// Reads and writes the raw data of the projects they belong to.
    Researcher,
    /// Proposes knowledge-base changes (a network secretariat, a colleague outside the team) and
    /// follows their own proposals; otherwise sees what a viewer sees.
    Contributor,
    /// Sees aggregates (after disclosure control) and published pages only.
    Viewer,
    /// Anonymous visitor: published pages and aggregates only.
    Public,
}

impl Role {
    /// Every role, most to least privileged.
    pub const ALL: [Role; 5] =
        [Role::Admin, Role::Researcher, Role::Contributor, Role::Viewer, Role::Public];

    /// The role's name as written in files, the CLI and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Researcher => "researcher",
            Role::Contributor => "contributor",
            Role::Viewer => "viewer",
            Role::Public => "public",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`] (or `public` where an account role is needed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}; expected one of admin, researcher, contributor, viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "researcher" => Ok(Role::Researcher),
            "contributor" => Ok(Role::Contributor),
            "viewer" => Ok(Role::Viewer),
            "public" => Ok(Role::Public),
            _ => Err(UnknownRole(s.to_string())),
        }
    }
}

/// What is done to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read (GET).
    Read,
    /// Create, change or delete.
    Write,
}

/// What is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// The explorer's published pages and the knowledge-base API (sourced public statements).
    PublishedPages,
    /// Survey aggregates after disclosure control.
    Aggregates,
    /// Raw survey answers and other confidential research data of a project.
    RawData,
    /// Survey definitions, invitations and collection progress of a project.
    Surveys,
    /// Accounts and project membership.
    Users,
    /// API tokens.
    Tokens,
    /// Projects.
    Projects,
    /// The audit log.
    AuditLog,
    /// Proposed knowledge-base change sets: read and comment (Read), submit (Write).
    KbChanges,
    /// One's own proposed change sets (contributors): read, comment (Read) and submit (Write).
    OwnKbChanges,
    /// Deciding proposed change sets: approve (applies them) or reject (Write).
    KbReview,
}

impl Resource {
    /// Every resource.
    pub const ALL: [Resource; 11] = [
        Resource::PublishedPages,
        Resource::Aggregates,
        Resource::RawData,
        Resource::Surveys,
        Resource::Users,
        Resource::Tokens,
        Resource::Projects,
        Resource::AuditLog,
        Resource::KbChanges,
        Resource::KbReview,
        Resource::OwnKbChanges,
    ];
}

/// The outcome of a matrix lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Never.
    Deny,
    /// Always.
    Allow,
    /// Only for resources of a project the principal belongs to.
    IfMember,
}

use Action::{Read, Write};
use Grant::{Allow, IfMember};
use Resource::*;

/// The permission matrix: every (role, action, resource) not listed is [`Grant::Deny`].
pub const MATRIX: &[(Role, Action, Resource, Grant)] = &[
    (Role::Public, Read, PublishedPages, Allow),
    (Role::Public, Read, Aggregates, Allow),
    (Role::Contributor, Read, PublishedPages, Allow),
    (Role::Contributor, Read, Aggregates, Allow),
    (Role::Contributor, Read, OwnKbChanges, Allow),
    (Role::Contributor, Write, OwnKbChanges, Allow),
    (Role::Viewer, Read, PublishedPages, Allow),
    (Role::Viewer, Read, Aggregates, Allow),
    (Role::Researcher, Read, PublishedPages, Allow),
    (Role::Researcher, Read, Aggregates, Allow),
    (Role::Researcher, Read, RawData, IfMember),
    (Role::Researcher, Write, RawData, IfMember),
    (Role::Researcher, Read, Surveys, IfMember),
    (Role::Researcher, Read, Projects, IfMember),
    (Role::Researcher, Read, KbChanges, Allow),
    (Role::Researcher, Write, KbChanges, Allow),
    (Role::Researcher, Read, OwnKbChanges, Allow),
    (Role::Researcher, Write, OwnKbChanges, Allow),
    (Role::Admin, Read, PublishedPages, Allow),
    (Role::Admin, Write, PublishedPages, Allow),
    (Role::Admin, Read, Aggregates, Allow),
    (Role::Admin, Read, RawData, Allow),
    (Role::Admin, Write, RawData, Allow),
    (Role::Admin, Read, Surveys, Allow),
    (Role::Admin, Write, Surveys, Allow),
    (Role::Admin, Read, Users, Allow),
    (Role::Admin, Write, Users, Allow),
    (Role::Admin, Read, Tokens, Allow),
    (Role::Admin, Write, Tokens, Allow),
    (Role::Admin, Read, Projects, Allow),
    (Role::Admin, Write, Projects, Allow),
    (Role::Admin, Read, AuditLog, Allow),
    (Role::Admin, Read, KbChanges, Allow),
    (Role::Admin, Write, KbChanges, Allow),
    (Role::Admin, Write, KbReview, Allow),
    (Role::Admin, Read, OwnKbChanges, Allow),
    (Role::Admin, Write, OwnKbChanges, Allow),
];

/// Looks up `(role, action, resource)` in [`MATRIX`]; O(|MATRIX|).
pub fn allowed(role: Role, action: Action, resource: Resource) -> Grant {
    MATRIX
        .iter()
        .find(|(r, a, res, _)| *r == role && *a == action && *res == resource)
        .map(|m| m.3)
        .unwrap_or(Grant::Deny)
}

/// How a request was authenticated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AuthVia {
    /// No credentials.
    Anonymous,
    /// A session cookie; carries the session's CSRF token.
    Session {
        /// SHA-256 of the session id (what the sessions table is keyed by): the session a
        /// password change made in it keeps.
        #[serde(skip)]
        id_hash: String,
        /// The per-session CSRF token that form posts and `X-CSRF-Token` must repeat.
        #[serde(skip)]
        csrf: String,
        /// Expiry, Unix seconds.
        expires: i64,
    },
    /// An API token (`Authorization: Bearer`).
    Token {
        /// Token id.
        id: i64,
    },
    /// The command line (local access to the database file).
    Cli,
}

/// Who is making a request: the account (if any), its role and projects, and how it was proven.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// Account id (None for the public).
    pub user_id: Option<i64>,
    /// Account name (`-` for the public).
    pub username: String,
    /// Role.
    pub role: Role,
    /// Projects the account belongs to.
    pub projects: Vec<String>,
    /// How the request was authenticated.
    pub via: AuthVia,
}

impl Principal {
    /// The anonymous public.
    pub fn anonymous() -> Principal {
        Principal {
            user_id: None,
            username: "-".into(),
            role: Role::Public,
            projects: vec![],
            via: AuthVia::Anonymous,
        }
    }

    /// An administrator acting from the command line (the CLI has the database file, so it
    /// already has every right; this principal only names the actor in the audit log).
    pub fn cli_admin() -> Principal {
        Principal {
            user_id: None,
            username: "cli".into(),
            role: Role::Admin,
            projects: vec![],
            via: AuthVia::Cli,
        }
    }

    /// Whether this principal may do `action` on `resource`, belonging to `project` when the
    /// resource is project-scoped (`None` = not tied to one project; an `IfMember` grant is then
    /// refused).
    pub fn may(&self, action: Action, resource: Resource, project: Option<&str>) -> bool {
        match allowed(self.role, action, resource) {
            Grant::Deny => false,
            Grant::Allow => true,
            Grant::IfMember => project.is_some_and(|p| self.projects.iter().any(|m| m == p)),
        }
    }

    /// Whether the request carries an account (not the public).
    pub fn is_authenticated(&self) -> bool {
        self.user_id.is_some() || matches!(self.via, AuthVia::Cli)
    }
}
