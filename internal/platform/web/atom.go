package web

import (
	"encoding/xml"
	"net"
	"net/http"
	"time"
)

// Atom 1.0 feeds (RFC 4287) of public changes: the catalog's announcements,
// the lifecycle table's changes, published patches. Rooms build an AtomFeed
// and WriteAtom serialises it; texts are plain, Chinese first.

const atomNS = "http://www.w3.org/2005/Atom"

// AtomFeed is a feed. Self and Alternate are absolute URLs; Updated is the
// newest entry's, or Since when there is no entry (RFC 4287 requires one).
type AtomFeed struct {
	ID, Title, Lang string
	Self, Alternate string
	Since           time.Time
	Entries         []AtomEntry // newest first
}

// AtomEntry is an entry; Link is an absolute URL of its HTML page.
type AtomEntry struct {
	ID, Title          string
	Updated, Published time.Time
	Link               string
	Content            string
}

type atomXML struct {
	XMLName xml.Name       `xml:"feed"`
	NS      string         `xml:"xmlns,attr"`
	Lang    string         `xml:"xml:lang,attr"`
	ID      string         `xml:"id"`
	Title   string         `xml:"title"`
	Updated string         `xml:"updated"`
	Author  atomAuthor     `xml:"author"`
	Links   []atomLink     `xml:"link"`
	Entries []atomEntryXML `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntryXML struct {
	ID        string   `xml:"id"`
	Title     string   `xml:"title"`
	Updated   string   `xml:"updated"`
	Published string   `xml:"published"`
	Link      atomLink `xml:"link"`
	Content   atomText `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// WriteAtom answers the request with the feed.
func WriteAtom(w http.ResponseWriter, f AtomFeed) error {
	updated := f.Since
	out := atomXML{NS: atomNS, Lang: f.Lang, ID: f.ID, Title: f.Title, Author: atomAuthor{Name: "Steward"},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.Self},
			{Rel: "alternate", Type: "text/html", Href: f.Alternate},
		},
		Entries: make([]atomEntryXML, 0, len(f.Entries)),
	}
	for _, e := range f.Entries {
		if e.Updated.After(updated) {
			updated = e.Updated
		}
		out.Entries = append(out.Entries, atomEntryXML{ID: e.ID, Title: e.Title, Updated: rfc3339(e.Updated), Published: rfc3339(e.Published),
			Link: atomLink{Rel: "alternate", Type: "text/html", Href: e.Link}, Content: atomText{Type: "text", Body: e.Content}})
	}
	out.Updated = rfc3339(updated)
	body, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(append([]byte(xml.Header), append(body, '\n')...))
	return err
}

// SiteURL is this site's address as the request reached it, for absolute
// links in feeds and API answers.
func SiteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// TagURI is a tag: URI (RFC 4151) minted by this site for a feed or entry
// id: the request's host name (without port), a date on which the site
// held it (YYYY, YYYY-MM or YYYY-MM-DD) and a path that never changes for
// the thing named.
func TagURI(r *http.Request, date, specific string) string {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return "tag:" + host + "," + date + ":" + specific
}
