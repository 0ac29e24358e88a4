package catalog

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/clock"
	"steward.dev/steward/internal/platform/problem"
)

// Hours724 is the service-hours value for Monday to Sunday, 0:00–24:00 Beijing time.
const Hours724 = "7x24"

// NoticeDays is how many days after its announcement day (Asia/Shanghai) a
// catalog version may take effect at the earliest: the seed's 30 days.
const NoticeDays = 30

// DefaultRegions are the regions an item applies to unless it says otherwise:
// mainland China, Hong Kong and Macau (the seed's note 2).
var DefaultRegions = []string{"CN", "HK", "MO"}

// Categories lists every item category, in the order pages show them.
var Categories = []string{SelfService, Operations, Updates, Support}

// Limits of a version and its items.
const (
	maxItems          = 200
	maxNameRunes      = 200
	maxTextRunes      = 4000
	maxListEntries    = 50
	maxDeliveredBytes = 200
)

// Errors of the catalog room.
var (
	ErrNoticeTooShort = problem.New(http.StatusUnprocessableEntity, "catalog.notice_too_short")
	ErrEffectiveTaken = problem.New(http.StatusUnprocessableEntity, "catalog.effective_from_taken")
	ErrNoneInEffect   = problem.New(http.StatusNotFound, "catalog.none_in_effect")
	errUnknownBasedOn = "field.catalog_version_unknown"
	errDuplicate      = "field.catalog_duplicate"
	errBadItemCode    = "field.catalog_item_code"
	errBadCategory    = "field.catalog_category"
	errBadDeployment  = "field.catalog_deployment"
	errBadRegion      = "field.region"
	errBadHours       = "field.catalog_hours"
	errBadQuotaCount  = "field.catalog_quota_count"
	errBadQuotaPeriod = "field.catalog_quota_period"
	errBadMinutes     = "field.catalog_minutes"
	errBadDeliveredAt = "field.catalog_delivered_at"
	errBadBeijingDate = "field.beijing_date"
	errRequired       = "field.required"
	errTooLong        = "field.too_long"
	errTooMany        = "field.catalog_too_many"
)

var (
	codePattern     = regexp.MustCompile(`^[a-z][a-z0-9_]{1,40}$`)
	calendarPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,63}$`)
	regionPattern   = regexp.MustCompile(`^[A-Z]{2}$`)
)

// ValidateItems normalises items in place (trims texts, upper-cases regions,
// gives items without regions the default ones) and reports every invalid
// field by its path in the request, such as items[3].code.
func ValidateItems(items []Item) error {
	var bad problem.Invalid
	checkItems(&bad, items)
	return bad.Err()
}

// checkItems is ValidateItems adding to the caller's list of field errors.
func checkItems(bad *problem.Invalid, items []Item) {
	switch {
	case len(items) == 0:
		bad.Add("items", errRequired)
	case len(items) > maxItems:
		bad.Add("items", errTooMany)
	}
	seen := map[string]bool{}
	for i := range items {
		it := &items[i]
		at := func(field string) string { return fmt.Sprintf("items[%d].%s", i, field) }
		it.Code = strings.TrimSpace(it.Code)
		switch {
		case it.Code == "":
			bad.Add(at("code"), errRequired)
		case !codePattern.MatchString(it.Code):
			bad.Add(at("code"), errBadItemCode)
		case seen[it.Code]:
			bad.Add(at("code"), errDuplicate)
		}
		seen[it.Code] = true
		checkText(bad, at("name"), &it.Name, true, maxNameRunes)
		checkText(bad, at("description"), &it.Description, false, maxTextRunes)
		if !slices.Contains(Categories, it.Category) {
			bad.Add(at("category"), errBadCategory)
		}
		checkDeployments(bad, at("applies_to"), it.AppliesTo)
		if len(it.Regions) == 0 {
			it.Regions = slices.Clone(DefaultRegions)
		}
		checkRegions(bad, at("regions"), it.Regions)
		it.Hours = strings.TrimSpace(it.Hours)
		if it.Hours != "" && it.Hours != Hours724 && !calendarPattern.MatchString(it.Hours) {
			bad.Add(at("hours"), errBadHours)
		}
		if q := it.Quota; q != nil {
			if q.Count < 1 {
				bad.Add(at("quota.count"), errBadQuotaCount)
			}
			if q.Period != ServiceYear && q.Period != CalendarYear {
				bad.Add(at("quota.period"), errBadQuotaPeriod)
			}
		}
		if s := it.SLA; s != nil {
			if s.AcknowledgeMinutes < 1 {
				bad.Add(at("sla.acknowledge_minutes"), errBadMinutes)
			}
			if s.UpdateMinutes < 1 {
				bad.Add(at("sla.update_minutes"), errBadMinutes)
			}
		}
		checkTexts(bad, at("parts"), it.Parts)
		if it.Exclusions == nil {
			it.Exclusions = []Text{}
		}
		checkTexts(bad, at("exclusions"), it.Exclusions)
		it.DeliveredAt = strings.TrimSpace(it.DeliveredAt)
		if !localPath(it.DeliveredAt) {
			bad.Add(at("delivered_at"), errBadDeliveredAt)
		}
	}
}

// checkText trims both languages of t and checks their presence and length.
func checkText(bad *problem.Invalid, field string, t *Text, required bool, maxRunes int) {
	for _, lang := range []struct {
		name  string
		value *string
	}{{"zh", &t.Zh}, {"en", &t.En}} {
		*lang.value = strings.TrimSpace(*lang.value)
		switch {
		case required && *lang.value == "":
			bad.Add(field+"."+lang.name, errRequired)
		case utf8.RuneCountInString(*lang.value) > maxRunes:
			bad.Add(field+"."+lang.name, errTooLong)
		}
	}
}

// checkTexts checks a list of texts (parts, exclusions): each needs both languages.
func checkTexts(bad *problem.Invalid, field string, list []Text) {
	if len(list) > maxListEntries {
		bad.Add(field, errTooMany)
		return
	}
	for j := range list {
		checkText(bad, fmt.Sprintf("%s[%d]", field, j), &list[j], true, maxTextRunes)
	}
}

func checkDeployments(bad *problem.Invalid, field string, kinds []string) {
	if len(kinds) == 0 {
		bad.Add(field, errRequired)
	}
	for j, k := range kinds {
		switch {
		case !slices.Contains(Deployments, k):
			bad.Add(fmt.Sprintf("%s[%d]", field, j), errBadDeployment)
		case slices.Index(kinds, k) < j:
			bad.Add(fmt.Sprintf("%s[%d]", field, j), errDuplicate)
		}
	}
}

func checkRegions(bad *problem.Invalid, field string, regions []string) {
	for j := range regions {
		regions[j] = strings.ToUpper(strings.TrimSpace(regions[j]))
		switch {
		case !regionPattern.MatchString(regions[j]):
			bad.Add(fmt.Sprintf("%s[%d]", field, j), errBadRegion)
		case slices.Index(regions, regions[j]) < j:
			bad.Add(fmt.Sprintf("%s[%d]", field, j), errDuplicate)
		}
	}
}

// localPath reports whether p is a path on this site: it starts with one
// slash, and has no spaces, control characters or backslashes.
func localPath(p string) bool {
	return len(p) <= maxDeliveredBytes && strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") &&
		!strings.ContainsFunc(p, func(r rune) bool { return r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) })
}

// ParseDate parses a Beijing calendar day written YYYY-MM-DD and returns its
// start (00:00 in Asia/Shanghai).
func ParseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, clock.Shanghai)
	return t, err == nil && t.Format(time.DateOnly) == s
}

// EarliestEffective is the first day a version announced at the instant may
// take effect: NoticeDays after the announcement's Beijing day.
func EarliestEffective(announcedAt time.Time) string {
	d := announcedAt.In(clock.Shanghai)
	return time.Date(d.Year(), d.Month(), d.Day()+NoticeDays, 0, 0, 0, 0, clock.Shanghai).Format(time.DateOnly)
}

// DaysUntil counts the Beijing calendar days from the day of now to day
// (YYYY-MM-DD): 0 on the day itself.
func DaysUntil(now time.Time, day string) int {
	target, ok := ParseDate(day)
	if !ok {
		return 0
	}
	n := now.In(clock.Shanghai)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	t := time.Date(target.Year(), target.Month(), target.Day(), 0, 0, 0, 0, time.UTC)
	return int(t.Sub(today).Hours() / 24)
}

// nextBeijingDay returns the start of the Beijing day after the one t falls on.
func nextBeijingDay(t time.Time) time.Time {
	d := t.In(clock.Shanghai)
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, clock.Shanghai)
}

// ResolveStates sets the computed state of each version as of at: among the
// announced versions, the one with the latest effective_from on or before
// at's Beijing day is effective, earlier ones are superseded, and later ones
// stay announced (upcoming). Drafts and withdrawn versions keep their state.
// It returns the index of the effective version, or -1 when none is.
func ResolveStates(versions []Version, at time.Time) int {
	today := clock.BeijingDate(at)
	best := -1
	for i, v := range versions {
		if v.State != Announced && v.State != Effective && v.State != Superseded {
			continue
		}
		versions[i].State = Announced
		if v.EffectiveFrom <= today && (best < 0 || v.EffectiveFrom > versions[best].EffectiveFrom) {
			best = i
		}
	}
	for i, v := range versions {
		if v.State == Announced && v.EffectiveFrom <= today {
			versions[i].State = Superseded
		}
	}
	if best >= 0 {
		versions[best].State = Effective
	}
	return best
}
