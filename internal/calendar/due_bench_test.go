package calendar

import (
	"testing"
	"time"
)

// BenchmarkDue computes due times a year of working days ahead on
// cn-workdays (lunch breaks, weekends, the 2025 and 2026 holidays and make-up
// days): the worst case an SLA asks of the calendar.
func BenchmarkDue(b *testing.B) {
	cal := shippedCN(b)
	start := bj("2025-01-02 10:17")
	// 2025 has 250 working days of 7.5 hours.
	year := 250 * (7*time.Hour + 30*time.Minute)
	if due := cal.Due(start, year); due.Year() != 2026 {
		b.Fatalf("a year of working time from %v is due %v", start, due)
	}
	for b.Loop() {
		cal.Due(start, year)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dues/s")
}
