// Package web holds the page templates and static assets, embedded into the binary.
package web

import "embed"

// Files holds templates/ and static/.
//
//go:embed templates static
var Files embed.FS
