// Package patch is the patch room: the vendor's defect fixes and feature
// upgrade packages for the products of the lifecycle table, with their
// applicability to versions, prerequisites, supersession and conflicts
// (applies.go, plan.go, graph.go), signed content-addressed files, entitled
// resumable downloads and signed links for download managers, per
// organisation download counts kept in memory and flushed in batches, a
// scrub that re-hashes stored files, and an Atom feed per product.
//
// Published patches are release notes: anyone may read their metadata, also
// without logging in. Downloads need vendor staff, or a customer whose
// patch_download entitlement is active and who has a contract for the
// patch's product.
package patch
