//! Account commands: `mlgov user add|list|password|remove` and `mlgov token issue|revoke|list` over
//! the auth tables of the `--db` database (mlgov-auth). The command line has the database file, so it
//! acts as an administrator; its actions are written to the audit log as user `cli`.

use std::io::BufRead;

use mlgov_auth::secret::random_token;
use mlgov_auth::{Auth, AuthError, Config, Principal, Role, UserChange};
use serde_json::json;

use crate::ctx::{CliError, Ctx};
use crate::output::table;

/// `mlgov user …`
#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (`--password-stdin`) or
    /// generated and printed once.
    #[command(after_help = "\
Examples:
  # a researcher of one project; the generated password is printed once
  mlgov user add ana --role researcher --project whole-comm
  # a viewer whose password comes from a password manager on standard input
  pass show mlgov/ben | mlgov user add ben --role viewer --password-stdin")]
    Add {
        /// Account name (letters, digits, `. _ - @`).
        username: String,
        /// admin, researcher, contributor (proposes knowledge-base changes) or viewer.
        #[arg(long)]
        role: String,
        /// Project the account belongs to (repeatable).
        #[arg(long = "project")]
        projects: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    #[command(after_help = "\
Examples:
  mlgov user list
  mlgov user list --json")]
    List,
    /// Set an account's password. It ends every session of the account and revokes its API tokens,
    /// unless `--keep-tokens`. The password is read from standard input (`--password-stdin`) or
    /// generated and printed once.
    #[command(after_help = "\
Examples:
  mlgov user add ana --role researcher
  # a generated password, printed once; ana's sessions end and her API tokens are revoked
  mlgov user password ana
  # her scripts keep their tokens (a routine change, not a leak)
  mlgov user password ana --keep-tokens
  # the password from a password manager on standard input
  pass show mlgov/ana | mlgov user password ana --password-stdin")]
    Password {
        /// Account name.
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// Leave the account's API tokens live (by default a new password revokes them all).
        #[arg(long)]
        keep_tokens: bool,
    },
    /// Delete an account with its sessions and tokens.
    #[command(after_help = "\
Examples:
  mlgov user add ana --role viewer
  mlgov user remove ana")]
    Remove {
        /// Account name.
        username: String,
    },
}

/// `mlgov token …`
#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Issue an API token for an account (shown once; stored as its SHA-256).
    #[command(after_help = "\
Examples:
  mlgov user add ana --role researcher
  # a token for ana's notebooks: send it as `Authorization: Bearer <token>`
  mlgov token issue --user ana --label notebook")]
    Issue {
        /// Account the token acts for (with that account's role and projects).
        #[arg(long)]
        user: String,
        /// Free label, to recognise the token in `mlgov token list` (\"notebook\", \"R scripts\").
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revoke a token by id.
    #[command(after_help = "\
Examples:
  mlgov user add ana --role researcher
  mlgov token issue --user ana --label notebook
  # the id printed by `issue` (or by `mlgov token list`)
  mlgov token revoke 1")]
    Revoke {
        /// Token id (from `issue` or `list`).
        id: i64,
    },
    /// List tokens (no secrets): every account's, or one account's with `--user`; revoked ones
    /// with the time they were revoked.
    #[command(after_help = "\
Examples:
  mlgov token list
  mlgov token list --json
  mlgov user add ana --role researcher
  mlgov token issue --user ana --label notebook
  # ana's tokens only (then `mlgov token revoke ID`)
  mlgov token list --user ana")]
    List {
        /// Only the tokens of this account.
        #[arg(long)]
        user: Option<String>,
    },
}

fn open(ctx: &Ctx) -> Result<Auth, CliError> {
    let store = mlgov_auth::open_store(&ctx.db.to_string_lossy()).map_err(auth_err)?;
    ctx.warn_if_exposed();
    Ok(Auth::new(store, Config::default()))
}

fn auth_err(e: AuthError) -> CliError {
    match e {
        AuthError::Database(_) | AuthError::Crypto(_) => CliError::Other(anyhow::Error::new(e)),
        other => CliError::Data(other.to_string()),
    }
}

/// A new password: the first line of standard input, or 24 random characters (generated: to be
/// shown once).
fn new_password(from_stdin: bool) -> Result<(String, bool), CliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| CliError::Other(e.into()))?;
        Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
    } else {
        Ok((random_token()[..24].to_string(), true))
    }
}

/// Runs a `mlgov user` subcommand.
pub fn run(cmd: &UserCommand, ctx: &Ctx) -> Result<(), CliError> {
    let auth = open(ctx)?;
    let me = Principal::cli_admin();
    match cmd {
        UserCommand::Add { username, role, projects, password_stdin } => {
            let role: Role = role
                .parse()
                .map_err(|e: mlgov_auth::policy::UnknownRole| CliError::Usage(e.to_string()))?;
            let (password, generated) = new_password(*password_stdin)?;
            let u = auth.add_user(&me, username, role, &password, projects).map_err(auth_err)?;
            let shown = generated.then_some(password.as_str());
            ctx.emit(&json!({ "user": u, "password": shown }), || {
                let mut s = format!(
                    "created {} ({}){}",
                    u.username,
                    u.role,
                    if u.projects.is_empty() {
                        String::new()
                    } else {
                        format!(" in {}", u.projects.join(", "))
                    }
                );
                if let Some(p) = shown {
                    s.push_str(&format!("\npassword (shown once): {p}"));
                }
                s
            });
            Ok(())
        }
        UserCommand::List => {
            let users = auth.users(&me).map_err(auth_err)?;
            ctx.emit(&json!({ "users": users }), || {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| vec![u.username.clone(), u.role.to_string(), u.projects.join(", ")])
                    .collect();
                table(&["user", "role", "projects"], &rows)
            });
            Ok(())
        }
        UserCommand::Password { username, password_stdin, keep_tokens } => {
            let (password, generated) = new_password(*password_stdin)?;
            let change = UserChange {
                password: Some(&password),
                keep_tokens: *keep_tokens,
                ..UserChange::default()
            };
            let u = auth.update_user(&me, username, &change).map_err(auth_err)?;
            let ended = u.ended.unwrap_or_default();
            let shown = generated.then_some(password.as_str());
            ctx.emit(&json!({ "user": u.user, "password": shown, "sessions_ended": ended.sessions, "tokens_revoked": ended.tokens, "tokens_kept": keep_tokens }), || {
                let plural = |n: u64, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
                let tokens = if *keep_tokens { "API tokens kept".to_string() } else { format!("{} revoked", plural(ended.tokens, "API token")) };
                let mut s = format!("new password for {}: {} ended, {tokens}", u.user.username, plural(ended.sessions, "session"));
                if let Some(p) = shown {
                    s.push_str(&format!("\npassword (shown once): {p}"));
                }
                s
            });
            Ok(())
        }
        UserCommand::Remove { username } => {
            auth.remove_user(&me, username).map_err(auth_err)?;
            ctx.emit(&json!({ "removed": username }), || format!("removed {username}"));
            Ok(())
        }
    }
}

/// Runs a `mlgov token` subcommand.
pub fn run_token(cmd: &TokenCommand, ctx: &Ctx) -> Result<(), CliError> {
    let auth = open(ctx)?;
    let me = Principal::cli_admin();
    match cmd {
        TokenCommand::Issue { user, label } => {
            let t = auth.issue_token(&me, user, label).map_err(auth_err)?;
            ctx.emit(&json!(t), || {
                format!(
                    "token {} for {} (shown once; use as 'Authorization: Bearer <token>'):\n{}",
                    t.id, t.username, t.token
                )
            });
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            auth.revoke_token(&me, *id).map_err(auth_err)?;
            ctx.emit(&json!({ "revoked": id }), || format!("revoked token {id}"));
            Ok(())
        }
        TokenCommand::List { user } => {
            let tokens = match user {
                Some(u) => auth.tokens_of(&me, u),
                None => auth.tokens(&me),
            }
            .map_err(auth_err)?;
            ctx.emit(&json!({ "tokens": tokens }), || {
                let rows: Vec<Vec<String>> = tokens
                    .iter()
                    .map(|t| {
                        vec![
                            t.id.to_string(),
                            t.username.clone(),
                            t.label.clone(),
                            mlgov_auth::service::iso_time(t.created),
                            t.revoked
                                .map(mlgov_auth::service::iso_time)
                                .unwrap_or_else(|| "live".into()),
                        ]
                    })
                    .collect();
                table(&["id", "user", "label", "created", "revoked"], &rows)
            });
            Ok(())
        }
    }
}
