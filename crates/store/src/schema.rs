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
        follow_up_days -> Integer,
        escalation_days -> Integer,
        sample_percent -> Integer,
        totp_roles -> Text,
        programs -> Text,
        child_assent_age -> Integer,
        administration_id -> Nullable<Text>,
    }
}

diesel::table! {
    administrations (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        kind -> Text,
        prefecture_code -> Text,
        suppression_threshold -> Integer,
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
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        totp_last_step -> BigInt,
        must_change_password -> Bool,
        administration_id -> Nullable<Text>,
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
        key_id -> Nullable<Text>,
        chain -> Text,
        chain_seq -> BigInt,
    }
}

diesel::table! {
    audit_chain_head (chain) {
        chain -> Text,
        seq -> BigInt,
        hash -> Text,
        last_change_at -> Nullable<Timestamp>,
        keyed_from_seq -> BigInt,
        has_active_webhooks -> Bool,
    }
}

diesel::table! {
    case_counters (center_id, fiscal_year) {
        center_id -> Text,
        fiscal_year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    patients (id) {
        id -> Text,
        center_id -> Text,
        case_number -> Text,
        family_name -> Text,
        given_name -> Text,
        family_name_kana -> Text,
        given_name_kana -> Text,
        birth_date -> Date,
        sex -> Nullable<Text>,
        prefecture_code -> Nullable<Text>,
        municipality_code -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        program -> Text,
        disease_number -> Nullable<Integer>,
        diagnosis -> Nullable<Text>,
        employment_status -> Text,
        support_awareness -> Text,
        disability_certificate -> Bool,
        notes -> Nullable<Text>,
        search_key -> Text,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        referral_source -> Nullable<Text>,
        merged_into -> Nullable<Text>,
        merged_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    patient_search_grams (center_id, gram, patient_id) {
        center_id -> Text,
        gram -> Text,
        patient_id -> Text,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        given_on -> Date,
        scope -> Text,
        withdrawn_on -> Nullable<Date>,
        notes -> Nullable<Text>,
        recorded_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        given_by -> Nullable<Text>,
        guardian_name -> Nullable<Text>,
        guardian_relationship -> Nullable<Text>,
        child_assent -> Bool,
    }
}

diesel::table! {
    consultations (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Nullable<Text>,
        occurred_at -> Timestamp,
        channel -> Text,
        requester -> Text,
        topics -> Text,
        duration_minutes -> Nullable<Integer>,
        with_employment_supporter -> Bool,
        summary -> Nullable<Text>,
        consultant_id -> Text,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        shoman_menu -> Nullable<Text>,
        shoman_requester -> Nullable<Text>,
    }
}

diesel::table! {
    referrals (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        consultation_id -> Nullable<Text>,
        agency_id -> Text,
        purpose -> Text,
        level -> Text,
        referred_on -> Date,
        handed_over -> Nullable<Text>,
        notes -> Nullable<Text>,
        status -> Text,
        outcome -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        consultant_id -> Text,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        agency_type -> Text,
        achieved -> Bool,
        review_state -> Text,
    }
}

diesel::table! {
    referral_level_changes (id) {
        id -> Text,
        center_id -> Text,
        referral_id -> Text,
        from_level -> Nullable<Text>,
        to_level -> Text,
        reason -> Nullable<Text>,
        changed_by -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    data_provisions (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        referral_id -> Text,
        agency_id -> Text,
        consent_id -> Text,
        items -> Text,
        provided_on -> Date,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> Text,
        center_id -> Text,
        referral_id -> Text,
        patient_id -> Text,
        assignee_id -> Text,
        due_on -> Date,
        done_on -> Nullable<Date>,
        method -> Nullable<Text>,
        contacted -> Nullable<Text>,
        outcome -> Nullable<Text>,
        notes -> Nullable<Text>,
        next_due_on -> Nullable<Date>,
        cancelled_on -> Nullable<Date>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        recorded_by -> Nullable<Text>,
        overdue_announced_at -> Nullable<Timestamp>,
        agency_link_id -> Nullable<Text>,
        agency_outcome -> Nullable<Text>,
        not_recorded -> Bool,
    }
}

diesel::table! {
    agency_links (id) {
        id -> Text,
        center_id -> Text,
        referral_id -> Text,
        patient_id -> Text,
        agency_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        emailed -> Bool,
        used_at -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
        follow_up_id -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    peer_assignments (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        user_id -> Text,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        assigned_by -> Text,
        ended_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    referral_counts (center_id, day, agency_type, purpose, level) {
        center_id -> Text,
        day -> Date,
        agency_type -> Text,
        purpose -> Text,
        level -> Text,
        n -> Integer,
    }
}

diesel::table! {
    consultation_counts (center_id, day, dim, value) {
        center_id -> Text,
        day -> Date,
        dim -> Text,
        value -> Text,
        n -> Integer,
    }
}

diesel::table! {
    consultation_patients (center_id, fiscal_year, patient_id) {
        center_id -> Text,
        fiscal_year -> Integer,
        patient_id -> Text,
        n -> Integer,
    }
}

diesel::table! {
    referral_patients (center_id, fiscal_year, agency_type, purpose, patient_id) {
        center_id -> Text,
        fiscal_year -> Integer,
        agency_type -> Text,
        purpose -> Text,
        patient_id -> Text,
        referrals -> Integer,
        achieved -> Integer,
    }
}

diesel::table! {
    referral_outcome_totals (center_id, fiscal_year, agency_type, purpose) {
        center_id -> Text,
        fiscal_year -> Integer,
        agency_type -> Text,
        purpose -> Text,
        patients -> Integer,
        achieved -> Integer,
    }
}

diesel::table! {
    reviews (id) {
        id -> Text,
        center_id -> Text,
        referral_id -> Text,
        reviewer_id -> Text,
        decision -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (caller, key) {
        caller -> Text,
        key -> Text,
        request_hash -> Text,
        state -> Text,
        claim -> Text,
        lease_until -> Timestamp,
        action -> Nullable<Text>,
        resource_type -> Nullable<Text>,
        resource_id -> Nullable<Text>,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        center_id -> Nullable<Text>,
        administration_id -> Nullable<Text>,
        name -> Text,
        client_id -> Text,
        scopes -> Text,
        secret_hash -> Text,
        previous_secret_hash -> Nullable<Text>,
        previous_secret_expires_at -> Nullable<Timestamp>,
        secret_rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        center_id -> Text,
        url -> Text,
        events -> Text,
        description -> Nullable<Text>,
        secret -> Text,
        active -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        center_id -> Text,
        event_type -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        locked_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        status -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
    }
}

diesel::table! {
    support_plans (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        state -> Text,
        revision -> Integer,
        situation -> Nullable<Text>,
        wishes -> Nullable<Text>,
        goals -> Text,
        review_due_on -> Nullable<Date>,
        approved_on -> Nullable<Date>,
        author_id -> Text,
        submitted_by -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    support_plan_versions (id) {
        id -> Text,
        center_id -> Text,
        plan_id -> Text,
        revision -> Integer,
        situation -> Nullable<Text>,
        wishes -> Nullable<Text>,
        goals -> Text,
        review_due_on -> Nullable<Date>,
        submitted_by -> Text,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    support_plan_reviews (id) {
        id -> Text,
        center_id -> Text,
        plan_id -> Text,
        revision -> Integer,
        reviewer_id -> Text,
        decision -> Text,
        comment -> Nullable<Text>,
        review_due_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    support_plan_actions (id) {
        id -> Text,
        center_id -> Text,
        plan_id -> Text,
        patient_id -> Text,
        body_kind -> Text,
        body_name -> Text,
        description -> Nullable<Text>,
        responsible -> Text,
        due_on -> Date,
        state -> Text,
        outcome -> Nullable<Text>,
        next_on -> Nullable<Date>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    liaison_contacts (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        plan_id -> Nullable<Text>,
        action_id -> Nullable<Text>,
        body_kind -> Text,
        body_name -> Text,
        contact_person -> Nullable<Text>,
        channel -> Text,
        contacted_on -> Date,
        summary -> Text,
        shared_data -> Bool,
        next_on -> Nullable<Date>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    liaison_provisions (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        contact_id -> Text,
        body_kind -> Text,
        body_name -> Text,
        consent_id -> Text,
        provided_on -> Date,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    patient_program_changes (id) {
        id -> Text,
        center_id -> Text,
        patient_id -> Text,
        from_program -> Text,
        to_program -> Text,
        changed_on -> Date,
        changed_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    shoman_projects (id) {
        id -> Text,
        center_id -> Text,
        kind -> Text,
        name -> Text,
        description -> Nullable<Text>,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        partner -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    shoman_project_sessions (id) {
        id -> Text,
        center_id -> Text,
        project_id -> Text,
        held_on -> Date,
        activity -> Text,
        place -> Nullable<Text>,
        online -> Bool,
        staff_ids -> Text,
        children_count -> Integer,
        family_count -> Integer,
        notes -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    shoman_session_participants (session_id, patient_id, role) {
        session_id -> Text,
        center_id -> Text,
        patient_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    shoman_needs (id) {
        id -> Text,
        center_id -> Text,
        kind -> Text,
        description -> Text,
        noted_on -> Date,
        patient_id -> Nullable<Text>,
        status -> Text,
        met_on -> Nullable<Date>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outreach_activities (id) {
        id -> Text,
        center_id -> Text,
        kind -> Text,
        kind_other -> Nullable<Text>,
        target -> Nullable<Text>,
        held_on -> Date,
        quantity -> Nullable<Integer>,
        unit -> Nullable<Text>,
        facility_count -> Nullable<Integer>,
        notes -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    trainings (id) {
        id -> Text,
        center_id -> Text,
        user_id -> Text,
        participation -> Text,
        course -> Text,
        title -> Text,
        organiser -> Nullable<Text>,
        held_on -> Date,
        ended_on -> Nullable<Date>,
        hours_hundredths -> Integer,
        notes -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        center_id -> Text,
        kind -> Text,
        kind_other -> Nullable<Text>,
        title -> Text,
        held_on -> Date,
        start_time -> Nullable<Text>,
        end_time -> Nullable<Text>,
        place -> Nullable<Text>,
        online -> Bool,
        staff_ids -> Text,
        patients_count -> Integer,
        families_count -> Integer,
        professionals_count -> Integer,
        materials -> Text,
        series -> Nullable<Text>,
        notes -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_attendees (event_id, patient_id) {
        event_id -> Text,
        center_id -> Text,
        patient_id -> Text,
        role -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    supporter_schedules (id) {
        id -> Text,
        center_id -> Text,
        agency_id -> Text,
        weekday -> Integer,
        weeks -> Text,
        start_time -> Text,
        end_time -> Text,
        slot_minutes -> Integer,
        place -> Nullable<Text>,
        supporter_name -> Nullable<Text>,
        active -> Bool,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    supporter_sessions (id) {
        id -> Text,
        center_id -> Text,
        agency_id -> Text,
        schedule_id -> Nullable<Text>,
        held_on -> Date,
        start_time -> Text,
        end_time -> Text,
        slot_minutes -> Integer,
        place -> Nullable<Text>,
        supporter_name -> Nullable<Text>,
        staff_ids -> Text,
        status -> Text,
        notes -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    supporter_bookings (id) {
        id -> Text,
        session_id -> Text,
        center_id -> Text,
        patient_id -> Text,
        slot_start -> Text,
        status -> Text,
        consultation_id -> Nullable<Text>,
        referral_id -> Nullable<Text>,
        new_job_seeker -> Nullable<Bool>,
        employed -> Nullable<Bool>,
        notes -> Nullable<Text>,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    councils (id) {
        id -> Text,
        administration_id -> Text,
        parent_id -> Nullable<Text>,
        name -> Text,
        kind -> Text,
        scope -> Text,
        area_name -> Nullable<Text>,
        established_on -> Nullable<Date>,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    council_members (id) {
        id -> Text,
        council_id -> Text,
        administration_id -> Text,
        name -> Text,
        organization -> Text,
        category -> Text,
        council_role -> Text,
        term_start -> Date,
        term_end -> Date,
        user_id -> Nullable<Text>,
        pledged_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meetings (id) {
        id -> Text,
        council_id -> Text,
        administration_id -> Text,
        kind -> Text,
        status -> Text,
        held_on -> Date,
        title -> Text,
        location -> Nullable<Text>,
        agenda -> Text,
        minutes -> Text,
        decisions -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    meeting_attendees (meeting_id, member_id) {
        meeting_id -> Text,
        member_id -> Text,
    }
}

diesel::table! {
    meeting_attachments (id) {
        id -> Text,
        meeting_id -> Text,
        file_name -> Text,
        media_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        content -> Binary,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    regional_issues (id) {
        id -> Text,
        administration_id -> Text,
        council_id -> Nullable<Text>,
        title -> Text,
        description -> Text,
        category -> Text,
        evidence -> Text,
        stage -> Text,
        evaluation -> Text,
        created_by -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    regional_issue_stage_changes (id) {
        id -> Text,
        issue_id -> Text,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        reason -> Text,
        changed_by -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    regional_issue_measures (id) {
        id -> Text,
        issue_id -> Text,
        title -> Text,
        owner -> Text,
        due_on -> Nullable<Date>,
        status -> Text,
        done_on -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    regional_issue_figures (id) {
        id -> Text,
        issue_id -> Text,
        kind -> Text,
        parameter -> Nullable<Text>,
        label -> Text,
        baseline_numerator -> BigInt,
        baseline_denominator -> Nullable<BigInt>,
        baseline_fiscal_year -> Integer,
        target -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    regional_issue_comments (id) {
        id -> Text,
        issue_id -> Text,
        author_id -> Text,
        author_name -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    meeting_issues (meeting_id, issue_id) {
        meeting_id -> Text,
        issue_id -> Text,
    }
}

diesel::table! {
    publications (id) {
        id -> Text,
        administration_id -> Text,
        fiscal_year -> Integer,
        summary -> Text,
        published_by -> Text,
        published_at -> Timestamp,
        version -> Integer,
    }
}

diesel::joinable!(shoman_project_sessions -> shoman_projects (project_id));
diesel::joinable!(event_attendees -> events (event_id));
diesel::joinable!(supporter_bookings -> supporter_sessions (session_id));
diesel::joinable!(supporter_sessions -> agencies (agency_id));
diesel::joinable!(shoman_session_participants -> shoman_project_sessions (session_id));
diesel::joinable!(users -> centers (center_id));
diesel::joinable!(centers -> administrations (administration_id));
diesel::joinable!(api_clients -> centers (center_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(agencies -> centers (center_id));
diesel::joinable!(referrals -> agencies (agency_id));
diesel::joinable!(referrals -> patients (patient_id));
diesel::joinable!(follow_ups -> referrals (referral_id));
diesel::joinable!(follow_ups -> patients (patient_id));
diesel::joinable!(reviews -> referrals (referral_id));
diesel::joinable!(support_plans -> patients (patient_id));

diesel::table! {
    imports (id) {
        id -> Text,
        center_id -> Text,
        kind -> Text,
        state -> Text,
        file_name -> Text,
        encoding -> Text,
        headers -> Text,
        mapping -> Text,
        rows_total -> Integer,
        progress_done -> Integer,
        counts -> Text,
        skip_invalid -> Bool,
        failure -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        committed_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    exports (id) {
        id -> Text,
        center_id -> Text,
        format -> Text,
        kind -> Nullable<Text>,
        state -> Text,
        counts -> Text,
        written -> Nullable<Text>,
        downloads -> Integer,
        requested_by -> Text,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}

diesel::table! {
    import_files (import_id) {
        import_id -> Text,
        cells -> Text,
    }
}

diesel::table! {
    import_problems (import_id, seq) {
        import_id -> Text,
        seq -> Integer,
        row_no -> Integer,
        column_name -> Nullable<Text>,
        field -> Nullable<Text>,
        code -> Text,
        message -> Text,
        value -> Nullable<Text>,
    }
}

diesel::table! {
    import_duplicates (import_id, row_no) {
        import_id -> Text,
        row_no -> Integer,
        detail -> Text,
        action -> Nullable<Text>,
        patient_id -> Nullable<Text>,
    }
}

diesel::table! {
    import_mappings (center_id, kind) {
        center_id -> Text,
        kind -> Text,
        mapping -> Text,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    import_keys (center_id, kind, row_key) {
        center_id -> Text,
        kind -> Text,
        row_key -> Text,
        record_id -> Text,
        import_id -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    centers,
    imports,
    import_files,
    import_problems,
    import_duplicates,
    import_mappings,
    import_keys,
    exports,
    administrations,
    users,
    sessions,
    refresh_tokens,
    login_throttles,
    agencies,
    audit_events,
    audit_chain_head,
    case_counters,
    patients,
    patient_search_grams,
    consents,
    consultations,
    referrals,
    referral_level_changes,
    data_provisions,
    follow_ups,
    agency_links,
    peer_assignments,
    referral_counts,
    consultation_counts,
    consultation_patients,
    referral_patients,
    referral_outcome_totals,
    reviews,
    recovery_codes,
    idempotency_keys,
    api_clients,
    webhooks,
    webhook_deliveries,
    webhook_attempts,
    support_plans,
    support_plan_versions,
    support_plan_reviews,
    support_plan_actions,
    liaison_contacts,
    liaison_provisions,
    patient_program_changes,
    shoman_projects,
    shoman_project_sessions,
    shoman_session_participants,
    shoman_needs,
    outreach_activities,
    trainings,
    events,
    event_attendees,
    supporter_schedules,
    supporter_sessions,
    supporter_bookings,
    councils,
    council_members,
    meetings,
    meeting_attendees,
    meeting_attachments,
    regional_issues,
    regional_issue_stage_changes,
    regional_issue_measures,
    regional_issue_figures,
    regional_issue_comments,
    meeting_issues,
    publications
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
            "follow_up_days",
            "escalation_days",
            "sample_percent",
            "totp_roles",
            "programs",
            "child_assent_age",
            "administration_id",
        ],
    ),
    (
        "administrations",
        &[
            "id",
            "code",
            "name",
            "kind",
            "prefecture_code",
            "suppression_threshold",
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
            "totp_secret",
            "totp_enabled",
            "totp_last_step",
            "must_change_password",
            "administration_id",
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
            "key_id",
            "chain",
            "chain_seq",
        ],
    ),
    (
        "audit_chain_head",
        &[
            "chain",
            "seq",
            "hash",
            "last_change_at",
            "keyed_from_seq",
            "has_active_webhooks",
        ],
    ),
    (
        "case_counters",
        &["center_id", "fiscal_year", "last_number"],
    ),
    (
        "patients",
        &[
            "id",
            "center_id",
            "case_number",
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "birth_date",
            "sex",
            "prefecture_code",
            "municipality_code",
            "phone",
            "email",
            "program",
            "disease_number",
            "diagnosis",
            "employment_status",
            "support_awareness",
            "disability_certificate",
            "notes",
            "search_key",
            "created_by",
            "version",
            "created_at",
            "updated_at",
            "referral_source",
            "merged_into",
            "merged_at",
        ],
    ),
    ("patient_search_grams", &["center_id", "gram", "patient_id"]),
    (
        "consents",
        &[
            "id",
            "center_id",
            "patient_id",
            "given_on",
            "scope",
            "withdrawn_on",
            "notes",
            "recorded_by",
            "version",
            "created_at",
            "updated_at",
            "given_by",
            "guardian_name",
            "guardian_relationship",
            "child_assent",
        ],
    ),
    (
        "consultations",
        &[
            "id",
            "center_id",
            "patient_id",
            "occurred_at",
            "channel",
            "requester",
            "topics",
            "duration_minutes",
            "with_employment_supporter",
            "summary",
            "consultant_id",
            "created_by",
            "version",
            "created_at",
            "updated_at",
            "shoman_menu",
            "shoman_requester",
        ],
    ),
    (
        "referrals",
        &[
            "id",
            "center_id",
            "patient_id",
            "consultation_id",
            "agency_id",
            "purpose",
            "level",
            "referred_on",
            "handed_over",
            "notes",
            "status",
            "outcome",
            "closed_on",
            "consultant_id",
            "created_by",
            "version",
            "created_at",
            "updated_at",
            "agency_type",
            "achieved",
            "review_state",
        ],
    ),
    (
        "referral_level_changes",
        &[
            "id",
            "center_id",
            "referral_id",
            "from_level",
            "to_level",
            "reason",
            "changed_by",
            "changed_at",
        ],
    ),
    (
        "data_provisions",
        &[
            "id",
            "center_id",
            "patient_id",
            "referral_id",
            "agency_id",
            "consent_id",
            "items",
            "provided_on",
            "recorded_by",
            "created_at",
        ],
    ),
    (
        "follow_ups",
        &[
            "id",
            "center_id",
            "referral_id",
            "patient_id",
            "assignee_id",
            "due_on",
            "done_on",
            "method",
            "contacted",
            "outcome",
            "notes",
            "next_due_on",
            "cancelled_on",
            "created_by",
            "version",
            "created_at",
            "updated_at",
            "recorded_by",
            "overdue_announced_at",
            "agency_link_id",
            "agency_outcome",
            "not_recorded",
        ],
    ),
    (
        "peer_assignments",
        &[
            "id",
            "center_id",
            "patient_id",
            "user_id",
            "started_on",
            "ended_on",
            "assigned_by",
            "ended_by",
            "created_at",
        ],
    ),
    (
        "agency_links",
        &[
            "id",
            "center_id",
            "referral_id",
            "patient_id",
            "agency_id",
            "token_hash",
            "expires_at",
            "emailed",
            "used_at",
            "outcome",
            "follow_up_id",
            "revoked_at",
            "revoked_by",
            "created_by",
            "created_at",
        ],
    ),
    (
        "referral_counts",
        &["center_id", "day", "agency_type", "purpose", "level", "n"],
    ),
    (
        "consultation_counts",
        &["center_id", "day", "dim", "value", "n"],
    ),
    (
        "consultation_patients",
        &["center_id", "fiscal_year", "patient_id", "n"],
    ),
    (
        "referral_patients",
        &[
            "center_id",
            "fiscal_year",
            "agency_type",
            "purpose",
            "patient_id",
            "referrals",
            "achieved",
        ],
    ),
    (
        "referral_outcome_totals",
        &[
            "center_id",
            "fiscal_year",
            "agency_type",
            "purpose",
            "patients",
            "achieved",
        ],
    ),
    (
        "reviews",
        &[
            "id",
            "center_id",
            "referral_id",
            "reviewer_id",
            "decision",
            "comment",
            "created_at",
        ],
    ),
    ("recovery_codes", &["user_id", "code_hash", "used_at"]),
    (
        "idempotency_keys",
        &[
            "caller",
            "key",
            "request_hash",
            "state",
            "claim",
            "lease_until",
            "action",
            "resource_type",
            "resource_id",
            "status",
            "content_type",
            "location",
            "etag",
            "body",
            "created_at",
        ],
    ),
    (
        "api_clients",
        &[
            "id",
            "center_id",
            "administration_id",
            "name",
            "client_id",
            "scopes",
            "secret_hash",
            "previous_secret_hash",
            "previous_secret_expires_at",
            "secret_rotated_at",
            "revoked_at",
            "last_used_at",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ],
    ),
    (
        "webhooks",
        &[
            "id",
            "center_id",
            "url",
            "events",
            "description",
            "secret",
            "active",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ],
    ),
    (
        "webhook_deliveries",
        &[
            "id",
            "webhook_id",
            "center_id",
            "event_type",
            "payload",
            "state",
            "attempts",
            "next_attempt_at",
            "locked_until",
            "last_status",
            "last_error",
            "created_at",
            "delivered_at",
        ],
    ),
    (
        "webhook_attempts",
        &[
            "id",
            "delivery_id",
            "attempted_at",
            "status",
            "error",
            "duration_ms",
        ],
    ),
    (
        "support_plans",
        &[
            "id",
            "center_id",
            "patient_id",
            "state",
            "revision",
            "situation",
            "wishes",
            "goals",
            "review_due_on",
            "approved_on",
            "author_id",
            "submitted_by",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "support_plan_versions",
        &[
            "id",
            "center_id",
            "plan_id",
            "revision",
            "situation",
            "wishes",
            "goals",
            "review_due_on",
            "submitted_by",
            "submitted_at",
        ],
    ),
    (
        "support_plan_reviews",
        &[
            "id",
            "center_id",
            "plan_id",
            "revision",
            "reviewer_id",
            "decision",
            "comment",
            "review_due_on",
            "created_at",
        ],
    ),
    (
        "support_plan_actions",
        &[
            "id",
            "center_id",
            "plan_id",
            "patient_id",
            "body_kind",
            "body_name",
            "description",
            "responsible",
            "due_on",
            "state",
            "outcome",
            "next_on",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "liaison_contacts",
        &[
            "id",
            "center_id",
            "patient_id",
            "plan_id",
            "action_id",
            "body_kind",
            "body_name",
            "contact_person",
            "channel",
            "contacted_on",
            "summary",
            "shared_data",
            "next_on",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "liaison_provisions",
        &[
            "id",
            "center_id",
            "patient_id",
            "contact_id",
            "body_kind",
            "body_name",
            "consent_id",
            "provided_on",
            "recorded_by",
            "created_at",
        ],
    ),
    (
        "patient_program_changes",
        &[
            "id",
            "center_id",
            "patient_id",
            "from_program",
            "to_program",
            "changed_on",
            "changed_by",
            "created_at",
        ],
    ),
    (
        "shoman_projects",
        &[
            "id",
            "center_id",
            "kind",
            "name",
            "description",
            "started_on",
            "ended_on",
            "partner",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "shoman_project_sessions",
        &[
            "id",
            "center_id",
            "project_id",
            "held_on",
            "activity",
            "place",
            "online",
            "staff_ids",
            "children_count",
            "family_count",
            "notes",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "shoman_session_participants",
        &["session_id", "center_id", "patient_id", "role"],
    ),
    (
        "shoman_needs",
        &[
            "id",
            "center_id",
            "kind",
            "description",
            "noted_on",
            "patient_id",
            "status",
            "met_on",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "outreach_activities",
        &[
            "id",
            "center_id",
            "kind",
            "kind_other",
            "target",
            "held_on",
            "quantity",
            "unit",
            "facility_count",
            "notes",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "trainings",
        &[
            "id",
            "center_id",
            "user_id",
            "participation",
            "course",
            "title",
            "organiser",
            "held_on",
            "ended_on",
            "hours_hundredths",
            "notes",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "events",
        &[
            "id",
            "center_id",
            "kind",
            "kind_other",
            "title",
            "held_on",
            "start_time",
            "end_time",
            "place",
            "online",
            "staff_ids",
            "patients_count",
            "families_count",
            "professionals_count",
            "materials",
            "series",
            "notes",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "event_attendees",
        &[
            "event_id",
            "center_id",
            "patient_id",
            "role",
            "created_by",
            "created_at",
        ],
    ),
    (
        "supporter_schedules",
        &[
            "id",
            "center_id",
            "agency_id",
            "weekday",
            "weeks",
            "start_time",
            "end_time",
            "slot_minutes",
            "place",
            "supporter_name",
            "active",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "supporter_sessions",
        &[
            "id",
            "center_id",
            "agency_id",
            "schedule_id",
            "held_on",
            "start_time",
            "end_time",
            "slot_minutes",
            "place",
            "supporter_name",
            "staff_ids",
            "status",
            "notes",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "supporter_bookings",
        &[
            "id",
            "session_id",
            "center_id",
            "patient_id",
            "slot_start",
            "status",
            "consultation_id",
            "referral_id",
            "new_job_seeker",
            "employed",
            "notes",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "councils",
        &[
            "id",
            "administration_id",
            "parent_id",
            "name",
            "kind",
            "scope",
            "area_name",
            "established_on",
            "active",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "council_members",
        &[
            "id",
            "council_id",
            "administration_id",
            "name",
            "organization",
            "category",
            "council_role",
            "term_start",
            "term_end",
            "user_id",
            "pledged_at",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "meetings",
        &[
            "id",
            "council_id",
            "administration_id",
            "kind",
            "status",
            "held_on",
            "title",
            "location",
            "agenda",
            "minutes",
            "decisions",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    ("meeting_attendees", &["meeting_id", "member_id"]),
    (
        "meeting_attachments",
        &[
            "id",
            "meeting_id",
            "file_name",
            "media_type",
            "size_bytes",
            "sha256",
            "content",
            "uploaded_by",
            "created_at",
        ],
    ),
    (
        "regional_issues",
        &[
            "id",
            "administration_id",
            "council_id",
            "title",
            "description",
            "category",
            "evidence",
            "stage",
            "evaluation",
            "created_by",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "regional_issue_stage_changes",
        &[
            "id",
            "issue_id",
            "from_stage",
            "to_stage",
            "reason",
            "changed_by",
            "changed_at",
        ],
    ),
    (
        "regional_issue_measures",
        &[
            "id",
            "issue_id",
            "title",
            "owner",
            "due_on",
            "status",
            "done_on",
            "version",
            "created_at",
            "updated_at",
        ],
    ),
    (
        "regional_issue_figures",
        &[
            "id",
            "issue_id",
            "kind",
            "parameter",
            "label",
            "baseline_numerator",
            "baseline_denominator",
            "baseline_fiscal_year",
            "target",
            "created_at",
        ],
    ),
    (
        "regional_issue_comments",
        &[
            "id",
            "issue_id",
            "author_id",
            "author_name",
            "body",
            "created_at",
        ],
    ),
    ("meeting_issues", &["meeting_id", "issue_id"]),
    (
        "publications",
        &[
            "id",
            "administration_id",
            "fiscal_year",
            "summary",
            "published_by",
            "published_at",
            "version",
        ],
    ),
    (
        "imports",
        &[
            "id",
            "center_id",
            "kind",
            "state",
            "file_name",
            "encoding",
            "headers",
            "mapping",
            "rows_total",
            "progress_done",
            "counts",
            "skip_invalid",
            "failure",
            "lease_until",
            "created_by",
            "created_at",
            "updated_at",
            "committed_at",
            "version",
        ],
    ),
    ("import_files", &["import_id", "cells"]),
    (
        "import_problems",
        &[
            "import_id",
            "seq",
            "row_no",
            "column_name",
            "field",
            "code",
            "message",
            "value",
        ],
    ),
    (
        "import_duplicates",
        &["import_id", "row_no", "detail", "action", "patient_id"],
    ),
    (
        "import_mappings",
        &["center_id", "kind", "mapping", "updated_by", "updated_at"],
    ),
    (
        "import_keys",
        &["center_id", "kind", "row_key", "record_id", "import_id"],
    ),
    (
        "exports",
        &[
            "id",
            "center_id",
            "format",
            "kind",
            "state",
            "counts",
            "written",
            "downloads",
            "requested_by",
            "created_at",
            "completed_at",
            "version",
        ],
    ),
];

// Grouping follow-ups by their assignee and their referral's agency type (the supervision
// summary) needs diesel's permission to mix the two tables' columns in one GROUP BY.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    follow_ups::assignee_id,
    referrals::agency_type,
);
