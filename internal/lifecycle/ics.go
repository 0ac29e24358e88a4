package lifecycle

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// The iCalendar feed (RFC 5545) of a product's end dates: one all-day event
// per version on its last day of standard service, and another on its last
// day of extended service when it has one. UIDs never change for a version
// and kind, so calendar clients update events in place when a date moves.

// Calendar returns the feed of d's end dates, stamped at now.
func Calendar(d Detail, now time.Time) string {
	var b calendarWriter
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:-//Steward//Product lifecycle//ZH")
	b.line("CALSCALE:GREGORIAN")
	b.line("METHOD:PUBLISH")
	b.line("X-WR-CALNAME:" + escapeText(d.Product.Name.Zh+" 生命周期 · "+d.Product.Name.En+" lifecycle"))
	b.line("X-WR-TIMEZONE:Asia/Shanghai")
	stamp := now.UTC().Format("20060102T150405Z")
	event := func(v Version, kind, day, zh, en string) {
		start, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return
		}
		b.line("BEGIN:VEVENT")
		b.line("UID:" + escapeText(d.Product.Code+"/"+v.Name+"/"+kind) + "@steward.dev")
		b.line("DTSTAMP:" + stamp)
		b.line("DTSTART;VALUE=DATE:" + start.Format("20060102"))
		b.line("DTEND;VALUE=DATE:" + start.AddDate(0, 0, 1).Format("20060102"))
		b.line("SUMMARY:" + escapeText(d.Product.Name.Zh+" "+v.Name+" "+zh+" · "+d.Product.Name.En+" "+v.Name+": "+en))
		b.line("DESCRIPTION:" + escapeText(zh+"：北京时间 "+day+" 为最后一天。\n"+en+": "+day+" (Beijing time) is the last day."))
		b.line("TRANSP:TRANSPARENT")
		b.line("END:VEVENT")
	}
	for _, v := range d.Versions {
		event(v, "standard", v.StandardSupportUntil, "停止标准服务", "end of standard service")
		if v.ExtendedSupportUntil != "" {
			event(v, "extended", v.ExtendedSupportUntil, "停止延长服务", "end of extended service")
		}
	}
	b.line("END:VCALENDAR")
	return b.String()
}

// calendarWriter writes content lines ending in CRLF, folded at 75 octets
// without splitting a UTF-8 character (RFC 5545 §3.1).
type calendarWriter struct{ strings.Builder }

func (w *calendarWriter) line(s string) {
	w.WriteString(fold(s))
	w.WriteString("\r\n")
}

// fold breaks s into lines of at most 75 octets; each continuation line
// starts with a space, which counts toward its 75.
func fold(s string) string {
	const limit = 75
	var b strings.Builder
	width := 0
	for _, r := range s {
		n := utf8.RuneLen(r)
		if n < 0 {
			n = 3 // written as U+FFFD
		}
		if width+n > limit {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteRune(r)
		width += n
	}
	return b.String()
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11).
func escapeText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

func (p *Pages) calendar(w http.ResponseWriter, r *http.Request, code string) error {
	d, err := p.svc.Detail(r.Context(), code)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="`+d.Product.Code+`.ics"`)
	_, err = w.Write([]byte(Calendar(d, p.svc.clock.Now())))
	return err
}
