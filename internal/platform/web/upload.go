package web

import (
	"errors"
	"mime/multipart"
	"net/http"

	"steward.dev/steward/internal/platform/problem"
)

// FilePart finds the file of a multipart form's field, to be streamed where
// it goes without a temporary copy. A body over the route's limit gives the
// *http.MaxBytesError, here when the limit falls before the file and from
// reading the part when inside it (the caller says what the limit is); a
// form without the file is field.required on the field. The patch,
// attachment and rescue upload forms share it.
func FilePart(r *http.Request, field string) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, problem.InvalidField(field, "field.required")
	}
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return nil, err
		case err != nil:
			return nil, problem.InvalidField(field, "field.required")
		case part.FormName() != field:
			part.Close()
			continue
		case part.FileName() == "":
			return nil, problem.InvalidField(field, "field.required")
		}
		return part, nil
	}
}
