package apptest

import (
	"encoding/xml"
	"strings"
)

// Atom is what a feed reader reads of an Atom feed (RFC 4287).
type Atom struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string     `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Links   []AtomLink `xml:"link"`
	Entries []struct {
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Link    AtomLink `xml:"link"`
		Content string   `xml:"content"`
	} `xml:"entry"`
}

// AtomLink is a feed's or an entry's link.
type AtomLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

// Self is the feed's rel="self" link.
func (a Atom) Self() string {
	for _, l := range a.Links {
		if l.Rel == "self" {
			return l.Href
		}
	}
	return ""
}

// Feed fetches path without login in lang and parses it, failing the test
// unless it is an Atom feed served as one.
func (e *Env) Feed(path, lang string) Atom {
	e.t.Helper()
	res := e.Do(Request{Method: "GET", Path: path, Header: map[string]string{"Accept-Language": lang}})
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
		e.t.Fatalf("%s: %d %s", path, res.Status, res.Header.Get("Content-Type"))
	}
	var f Atom
	if err := xml.Unmarshal(res.Body, &f); err != nil {
		e.t.Fatalf("%s is not Atom: %v\n%s", path, err, res.Body)
	}
	return f
}
