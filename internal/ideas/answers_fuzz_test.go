package ideas

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"steward.dev/steward/internal/platform/problem"
)

// shipments is a product with one published patch and one version.
type shipments struct{}

func (shipments) PatchPublished(_ context.Context, product, number string) (bool, error) {
	return product == "k3cloud" && number == "PT-2026-0201", nil
}

func (shipments) VersionExists(_ context.Context, product, name string) (bool, error) {
	return product == "k3cloud" && name == "9.0", nil
}

// FuzzStatusInput: whatever a product manager sends, a status change is
// either refused as a 400 naming status, explanation or shipped_in, or is a
// known status with an explanation of 1–4000 characters, and shipped exactly
// when it names where.
func FuzzStatusInput(f *testing.F) {
	f.Add("planned", "已排期", "")
	f.Add("shipped", "上线了", "PT-2026-0201")
	f.Add("shipped", "上线了", " 9.0 ")
	f.Add("shipped", "上线了", "10.0")
	f.Add("declined", "", "9.0")
	f.Add(" open ", strings.Repeat("长", 4001), "")
	f.Add("\xff", "\x00", "\xfe")
	s := NewService(Deps{Shipments: shipments{}})
	f.Fuzz(func(t *testing.T, status, explanation, shippedIn string) {
		c, err := s.statusChange(context.Background(), "k3cloud", StatusInput{Status: status, Explanation: explanation, ShippedIn: shippedIn})
		if err != nil {
			pe, ok := problem.As(err)
			if !ok || pe.Status != 400 || len(pe.Fields) == 0 {
				t.Fatalf("(%q, %q, %q): %v, want a 400 naming fields", status, explanation, shippedIn, err)
			}
			for _, field := range pe.Fields {
				if !slices.Contains([]string{"status", "explanation", "shipped_in"}, field.Field) {
					t.Fatalf("names field %q", field.Field)
				}
			}
			return
		}
		n := utf8.RuneCountInString(c.Explanation)
		if !slices.Contains(Statuses, c.To) || n == 0 || n > MaxExplanation || c.Explanation != strings.TrimSpace(c.Explanation) {
			t.Fatalf("accepted (%q, %q, %q) as %+v", status, explanation, shippedIn, c)
		}
		if (c.To == StatusShipped) != (c.ShippedIn != nil) {
			t.Fatalf("status %s with shipped_in %+v", c.To, c.ShippedIn)
		}
		if c.ShippedIn != nil && c.ShippedIn.Ref != strings.TrimSpace(shippedIn) {
			t.Fatalf("shipped in %q from %q", c.ShippedIn.Ref, shippedIn)
		}
	})
}

// FuzzExportRowIsInert: any title and modules come back from the CSV as
// written, or with one leading apostrophe when they would start a formula,
// and no cell starts like a formula.
func FuzzExportRowIsInert(f *testing.F) {
	f.Add(`=HYPERLINK("https://evil.example")`, "gl")
	f.Add("+1 更快", "-ar")
	f.Add("@SUM(1,2)", "\tinv")
	f.Add("普通的标题, \"引号\"\n换行", "")
	f.Fuzz(func(t *testing.T, title, module string) {
		if !utf8.ValidString(title) || !utf8.ValidString(module) || strings.ContainsRune(title+module, '\r') {
			return // encoding/csv reads \r\n back as \n; the square keeps valid UTF-8 only
		}
		it := Idea{ID: "idea_1", Title: title, Product: "k3cloud", Modules: []string{module}, Status: StatusOpen,
			CreatedAt: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		if err := w.Write(exportRow(it, 1)); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		got, err := csv.NewReader(&buf).Read()
		if err != nil {
			t.Fatalf("row of %q, %q does not parse: %v", title, module, err)
		}
		for i, cell := range got {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("cell %d starts like a formula: %q", i, cell)
			}
		}
		for _, c := range []struct{ cell, want string }{{got[1], title}, {got[3], module}} {
			if c.cell != c.want && c.cell != "'"+c.want {
				t.Fatalf("exported %q as %q", c.want, c.cell)
			}
		}
	})
}
