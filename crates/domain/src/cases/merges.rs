//! Merging a patient registered twice (ヤマダ ハナコ 1975-06-15 entered on two days) into the
//! record that stays, the *survivor*. Everything that hangs on the merged record moves to
//! the survivor in one transaction; the merged row stays, marked `merged_into`, because its
//! id may be held elsewhere (an API client's copy, a bookmark, the audit trail), and every
//! route of it answers 410 `patient_merged` with a pointer to the survivor. It leaves
//! lists, searches, duplicate checks and the figures.
//!
//! Where the same person cannot hold a thing twice, the survivor's stays and the merged
//! record's is let go (counted in `released_*`), rather than refusing the merge:
//! - a supporter session's slot: the merged record's booking in a session where the
//!   survivor is booked too is cancelled (one person, one slot), then moved like the rest;
//! - an open peer-supporter assignment to the same supporter: the merged record's ends
//!   today (the survivor's goes on, and the history of who could read what stays);
//! - an event attendance or a 小慢 project session the survivor also attended: the merged
//!   record's row is dropped (attendance is a fact about the person, already recorded).
//!
//! The audit trail is never rewritten: past events keep naming the merged id, and the merge
//! event (resource: the merged record, patient: the survivor) ties the two.

use crate::app::Ctx;
use crate::entities::Patient;
use crate::error::{DomainError, FieldError};
use crate::events::Action;
use crate::policy::{self, Permission};
use uuid::Uuid;

/// What a merge moves from the merged record to the survivor (or would move, for a
/// preview), table by table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeCounts {
    pub consultations: i64,
    pub consents: i64,
    pub referrals: i64,
    pub follow_ups: i64,
    pub provisions: i64,
    pub program_changes: i64,
    pub support_plans: i64,
    pub support_plan_actions: i64,
    pub liaison_contacts: i64,
    pub liaison_provisions: i64,
    pub project_sessions: i64,
    pub needs: i64,
    pub event_attendances: i64,
    pub supporter_bookings: i64,
    pub peer_assignments: i64,
    pub agency_links: i64,
    /// Of the bookings: those cancelled because the survivor holds a slot in the same
    /// supporter session.
    pub released_bookings: i64,
    /// Of the peer assignments: those ended because the survivor is assigned to the same
    /// supporter.
    pub released_assignments: i64,
    /// Event attendances and project sessions the survivor also attended, dropped.
    pub released_attendances: i64,
}

impl MergeCounts {
    /// The non-zero counts as `name=n`, for the audit detail (counts only: no personal data).
    pub fn describe(&self) -> String {
        let all = [
            ("consultations", self.consultations),
            ("consents", self.consents),
            ("referrals", self.referrals),
            ("follow_ups", self.follow_ups),
            ("provisions", self.provisions),
            ("program_changes", self.program_changes),
            ("support_plans", self.support_plans),
            ("support_plan_actions", self.support_plan_actions),
            ("liaison_contacts", self.liaison_contacts),
            ("liaison_provisions", self.liaison_provisions),
            ("project_sessions", self.project_sessions),
            ("needs", self.needs),
            ("event_attendances", self.event_attendances),
            ("supporter_bookings", self.supporter_bookings),
            ("peer_assignments", self.peer_assignments),
            ("agency_links", self.agency_links),
            ("released_bookings", self.released_bookings),
            ("released_assignments", self.released_assignments),
            ("released_attendances", self.released_attendances),
        ];
        all.iter()
            .filter(|(_, n)| *n != 0)
            .map(|(k, n)| format!("{k}={n}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The two records a merge names: `survivor` stays, `merged` goes into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeRequest {
    pub survivor_id: Uuid,
    pub merged_id: Uuid,
}

/// A merge's answer: the survivor as it is now, and what moved.
#[derive(Debug, Clone)]
pub struct MergeOutcome {
    pub survivor: Patient,
    pub merged_id: Uuid,
    pub moved: MergeCounts,
}

/// A merge joins two different records; a record merged into itself is a mistake in the
/// request (422), not a state of the records.
pub fn distinct_records(req: &MergeRequest) -> Result<(), DomainError> {
    if req.survivor_id == req.merged_id {
        return Err(DomainError::Validation(vec![FieldError::new(
            "merged_id",
            "same_as_survivor",
            "a patient cannot be merged into themselves; choose the other record",
        )]));
    }
    Ok(())
}

/// Both records must be of the same program: a 小慢 child's support plans and menus would
/// otherwise hang on an adult 難病 record. Move the program first (移行期), then merge.
pub fn same_program(survivor: &Patient, merged: &Patient) -> Result<(), DomainError> {
    if survivor.program != merged.program {
        return Err(DomainError::rule(
            "programs_differ",
            "the two records are in different programs; change one record's program first",
        ));
    }
    Ok(())
}

/// A record already merged cannot be merged again, nor chosen to stay (409).
pub fn already_merged(which: &str) -> DomainError {
    DomainError::conflict(
        "already_merged",
        format!("the {which} record was already merged into another one"),
    )
}

crate::facade!(
    /// Merging a patient registered twice: `services.patient_merges()`.
    PatientMerges,
    patient_merges
);

impl PatientMerges<'_> {
    /// Both records, refusing a merged one (409 `already_merged`) and another center's
    /// (404), after the caller's right to merge is checked.
    fn both(&self, ctx: &Ctx, req: &MergeRequest) -> Result<(Uuid, Patient, Patient), DomainError> {
        let center = policy::permit_in_center(&ctx.actor, Permission::MergePatients)?;
        distinct_records(req)?;
        let get = |id: Uuid, which: &str| match self.store.patient(center, id) {
            Ok(Some(p)) => Ok(p),
            Ok(None) => Err(DomainError::NotFound),
            Err(DomainError::PatientMerged { .. }) => Err(already_merged(which)),
            Err(e) => Err(e),
        };
        let survivor = get(req.survivor_id, "surviving")?;
        let merged = get(req.merged_id, "merged")?;
        same_program(&survivor, &merged)?;
        Ok((center, survivor, merged))
    }

    /// What merging would move, for the supervisor to confirm. A read of both records.
    #[tracing::instrument(name = "patient_merges.preview", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn preview(&self, ctx: &Ctx, req: MergeRequest) -> Result<MergeOutcome, DomainError> {
        self.guard(
            ctx,
            Action::PatientMergePreview,
            Some(req.merged_id),
            || {
                let (center, survivor, _) = self.both(ctx, &req)?;
                let moved = self
                    .store
                    .merge_preview(center, req.survivor_id, req.merged_id)?;
                self.log_access(
                    self.ev(ctx, Action::PatientMergePreview)
                        .resource(req.merged_id)
                        .patient(req.survivor_id)
                        .detail(format!(
                            "survivor_id={}; merged_id={}",
                            req.survivor_id, req.merged_id
                        )),
                )?;
                Ok(MergeOutcome {
                    survivor,
                    merged_id: req.merged_id,
                    moved,
                })
            },
        )
    }

    /// Merges `merged_id` into `survivor_id` in one transaction, audited as one event
    /// naming both, and announced as `patient.merged`.
    #[tracing::instrument(name = "patient_merges.merge", skip_all, fields(center_id = ?ctx.actor.center_id))]
    pub fn merge(&self, ctx: &Ctx, req: MergeRequest) -> Result<MergeOutcome, DomainError> {
        self.guard(ctx, Action::PatientMerge, Some(req.merged_id), || {
            let (center, _, _) = self.both(ctx, &req)?;
            let ev = self
                .ev(ctx, Action::PatientMerge)
                .resource(req.merged_id)
                .patient(req.survivor_id);
            let (survivor, moved) = self.store.merge_patients(
                center,
                req.survivor_id,
                req.merged_id,
                ctx.actor.user_id,
                self.clock.now(),
                self.today(),
                &ev,
            )?;
            Ok(MergeOutcome {
                survivor,
                merged_id: req.merged_id,
                moved,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Program;

    fn patient(program: Program) -> Patient {
        let mut p = super::super::patients::blank_for_tests();
        p.program = program;
        p
    }

    #[test]
    fn a_record_is_not_merged_into_itself() {
        let a = Uuid::now_v7();
        match distinct_records(&MergeRequest {
            survivor_id: a,
            merged_id: a,
        }) {
            Err(DomainError::Validation(e)) => {
                assert_eq!(
                    (e[0].field.as_str(), e[0].code),
                    ("merged_id", "same_as_survivor")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            distinct_records(&MergeRequest {
                survivor_id: a,
                merged_id: Uuid::now_v7(),
            })
            .is_ok()
        );
    }

    #[test]
    fn both_records_are_of_one_program() {
        let n = patient(Program::Nanbyo);
        assert!(same_program(&n, &patient(Program::Nanbyo)).is_ok());
        assert!(matches!(
            same_program(&n, &patient(Program::Shoman)),
            Err(DomainError::Rule {
                code: "programs_differ",
                ..
            })
        ));
    }

    #[test]
    fn an_already_merged_record_is_a_conflict() {
        assert!(matches!(
            already_merged("merged"),
            DomainError::Conflict {
                code: "already_merged",
                ..
            }
        ));
    }

    #[test]
    fn the_audit_detail_lists_what_moved_and_nothing_else() {
        let c = MergeCounts {
            consultations: 3,
            referrals: 1,
            released_bookings: 1,
            ..MergeCounts::default()
        };
        assert_eq!(
            c.describe(),
            "consultations=3,referrals=1,released_bookings=1"
        );
        assert_eq!(MergeCounts::default().describe(), "");
    }
}
