package lifecycle

// Phases of a version on a Beijing day.
const (
	PhaseStandard = "standard" // on or before standard_support_until
	PhaseExtended = "extended" // after it, on or before extended_support_until
	PhaseEnded    = "ended"    // after both
)

// Phase is v's phase on day, a YYYY-MM-DD Asia/Shanghai day. The end dates
// are inclusive: a version is still in standard service on its
// standard_support_until. Dates compare as strings, being YYYY-MM-DD.
func (v Version) Phase(day string) string {
	switch {
	case day <= v.StandardSupportUntil:
		return PhaseStandard
	case v.ExtendedSupportUntil != "" && day <= v.ExtendedSupportUntil:
		return PhaseExtended
	default:
		return PhaseEnded
	}
}

// EndOfLife is the last day of any service: the extended date, or the
// standard one when there is none.
func (v Version) EndOfLife() string {
	if v.ExtendedSupportUntil != "" {
		return v.ExtendedSupportUntil
	}
	return v.StandardSupportUntil
}
