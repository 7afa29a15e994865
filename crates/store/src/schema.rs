//! The tables, kept by hand because `diesel print-schema` differs per backend. The
//! integration tests check these against both migrated databases.

diesel::table! {
    centers (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        prefecture_code -> Text,
        operating_type -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        center_id -> Nullable<Text>,
        login -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        issued_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttles (login) {
        login -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agencies (id) {
        id -> Text,
        center_id -> Text,
        agency_type -> Text,
        name -> Text,
        phone -> Nullable<Text>,
        address -> Nullable<Text>,
        notes -> Nullable<Text>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        id -> Text,
        occurred_at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        center_id -> Nullable<Text>,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        patient_id -> Nullable<Text>,
        outcome -> Text,
        request_id -> Text,
        source -> Nullable<Text>,
        detail -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_chain_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::joinable!(users -> centers (center_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(agencies -> centers (center_id));

diesel::allow_tables_to_appear_in_same_query!(
    centers,
    users,
    sessions,
    refresh_tokens,
    login_throttles,
    agencies,
    audit_events,
    audit_chain_head
);

/// Every table and its columns, in declaration order: what the schema test compares with
/// the migrated databases.
pub const TABLES: &[(&str, &[&str])] = &[
    (
        "centers",
        &[
            "id",
            "code",
            "name",
            "prefecture_code",
            "operating_type",
            "active",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "users",
        &[
            "id",
            "center_id",
            "login",
            "display_name",
            "role",
            "password_hash",
            "active",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "sessions",
        &["id", "user_id", "created_at", "expires_at", "revoked_at"],
    ),
    (
        "refresh_tokens",
        &["token_hash", "session_id", "issued_at", "spent_at"],
    ),
    (
        "login_throttles",
        &["login", "failures", "last_failure_at", "locked_until"],
    ),
    (
        "agencies",
        &[
            "id",
            "center_id",
            "agency_type",
            "name",
            "phone",
            "address",
            "notes",
            "active",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "audit_events",
        &[
            "seq",
            "id",
            "occurred_at",
            "actor_kind",
            "actor_id",
            "actor_role",
            "center_id",
            "action",
            "resource_type",
            "resource_id",
            "patient_id",
            "outcome",
            "request_id",
            "source",
            "detail",
            "prev_hash",
            "hash",
        ],
    ),
    ("audit_chain_head", &["id", "seq", "hash"]),
];
