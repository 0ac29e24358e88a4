package license

import (
	"net/http"

	"steward.dev/steward/internal/lifecycle"
	"steward.dev/steward/internal/patch"
	"steward.dev/steward/internal/platform/problem"
)

// Errors a person can hit; each code is also its message's i18n key.
var (
	ErrNotActive  = problem.New(http.StatusConflict, "license.not_active")
	ErrNoNewer    = upgradeTarget(http.StatusUnprocessableEntity, "license.no_newer_version")
	ErrUnknown    = upgradeTarget(http.StatusUnprocessableEntity, "license.unknown_version")
	ErrUnreleased = upgradeTarget(http.StatusUnprocessableEntity, "license.unreleased_version")
	ErrNotNewer   = upgradeTarget(http.StatusUnprocessableEntity, "license.not_newer")
	ErrIdemReused = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "license.idempotency_key_reused",
		Fields: []problem.Field{{Field: "Idempotency-Key", Message: "field.idempotency_key_reused"}}}
	ErrContract = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "license.contract_unknown",
		Fields: []problem.Field{{Field: "contract_id", Message: "field.license_contract_unknown"}}}
	ErrContractEnded = &problem.Error{Status: http.StatusUnprocessableEntity, Code: "license.contract_terminated",
		Fields: []problem.Field{{Field: "contract_id", Message: "field.license_contract_terminated"}}}
)

func upgradeTarget(status int, code string) *problem.Error {
	return &problem.Error{Status: status, Code: code, Fields: []problem.Field{{Field: "to_version", Message: "field." + code}}}
}

// statusOn is how a license stands on a Beijing day: a revoked license stays
// revoked; an active or superseded one past its last day has expired.
func statusOn(stored, validUntil, today string) string {
	if stored != Revoked && validUntil != "" && validUntil < today {
		return Expired
	}
	return stored
}

// upgradeTo picks the version an upgrade from current leads to: the one
// asked for, or the newest released one; it must be known, released by today
// and newer than current.
func upgradeTo(versions []lifecycle.Version, current, asked, today string) (lifecycle.Version, error) {
	released := func(v lifecycle.Version) bool { return v.ReleasedOn != "" && v.ReleasedOn <= today }
	if asked == "" {
		var newest *lifecycle.Version
		for i, v := range versions {
			if released(v) && (newest == nil || patch.CompareVersions(v.Name, newest.Name) > 0) {
				newest = &versions[i]
			}
		}
		if newest == nil || patch.CompareVersions(newest.Name, current) <= 0 {
			return lifecycle.Version{}, ErrNoNewer.With("version", current)
		}
		return *newest, nil
	}
	for _, v := range versions {
		if v.Name != asked {
			continue
		}
		switch {
		case !released(v):
			return v, ErrUnreleased.With("version", asked).With("released_on", v.ReleasedOn)
		case patch.CompareVersions(v.Name, current) <= 0:
			return v, ErrNotNewer.With("version", asked).With("current", current)
		}
		return v, nil
	}
	return lifecycle.Version{}, ErrUnknown.With("version", asked)
}
