package app

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"steward.dev/steward/internal/community"
	"steward.dev/steward/internal/platform/actor"
)

// demoCourses are the demo courses with their lessons, and the learning
// path through them, written for the demo product.
//
//go:embed data/community/courses.json
var demoCourses []byte

// loadDemoCourses publishes the demo courses (indexed for search) and the
// learning path unless they are there already, in one transaction.
func loadDemoCourses(ctx context.Context, svc *community.Service) error {
	var shipped struct {
		Courses []community.Course
		Paths   []community.LearningPath
	}
	if err := json.Unmarshal(demoCourses, &shipped); err != nil {
		return fmt.Errorf("courses.json: %w", err)
	}
	for i := range shipped.Courses {
		shipped.Courses[i].Status = community.Published
	}
	return svc.ImportCourses(ctx, &actor.Actor{Role: actor.VendorAdmin, Name: "demo"}, shipped.Courses, shipped.Paths)
}
