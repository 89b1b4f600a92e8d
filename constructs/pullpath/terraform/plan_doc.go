package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// planDoc is what the reader takes of a plan (or, with Values, a state).
type planDoc struct {
	FormatVersion   string                          `json:"format_version"`
	Variables       map[string]*tfjson.PlanVariable `json:"variables"`
	PlannedValues   *tfjson.StateValues             `json:"planned_values"`
	ResourceChanges []*planChange                   `json:"resource_changes"`
	PriorState      *struct {
		Values *planPrior `json:"values"`
	} `json:"prior_state"`
	Config *tfjson.Config      `json:"configuration"`
	Values *tfjson.StateValues `json:"values"`
	// Complete is false for a plan made with -target or with changes
	// deferred; Errored is true for a plan that failed part way.
	Complete *bool `json:"complete"`
	Errored  bool  `json:"errored"`
}

// planPrior is prior_state's values: only data sources are read.
type planPrior struct {
	RootModule *planPriorModule `json:"root_module"`
}

type planPriorModule struct {
	Resources    []*planPriorResource `json:"resources"`
	ChildModules []*planPriorModule   `json:"child_modules"`
}

// planPriorResource decodes the values of data sources only.
type planPriorResource struct {
	tfjson.StateResource
}

func (r *planPriorResource) UnmarshalJSON(b []byte) error {
	var head struct {
		Mode tfjson.ResourceMode `json:"mode"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	if head.Mode != tfjson.DataResourceMode {
		r.Mode = head.Mode
		return nil
	}
	return json.Unmarshal(b, &r.StateResource)
}

// planChange is an entry of resource_changes, without before and after
// (planned_values has the after values).
type planChange struct {
	Address string              `json:"address"`
	Mode    tfjson.ResourceMode `json:"mode"`
	Type    string              `json:"type"`
	Name    string              `json:"name"`
	Change  *struct {
		Actions        tfjson.Actions  `json:"actions"`
		AfterUnknown   any             `json:"after_unknown"`
		AfterSensitive json.RawMessage `json:"after_sensitive"`
	} `json:"change"`
}

// planJSONError is a decoding error in one line, without quoting input.
func planJSONError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		if se.Error() == "unexpected end of JSON input" {
			return "the file ends early"
		}
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s has the wrong type (%s)", te.Field, te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), err.Error() == "unexpected end of JSON input":
		return "the file ends early"
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if strings.Contains(s, "format version") {
		return s
	}
	return "invalid JSON"
}

// planMarks decodes sensitivity marks (sensitive_values, after_sensitive)
// where they mark something: most mark nothing.
func planMarks(raw json.RawMessage) any {
	if !bytes.Contains(raw, []byte("true")) {
		return nil
	}
	var m any
	if json.Unmarshal(raw, &m) != nil {
		return true // unreadable marks: all of it is taken as sensitive
	}
	return m
}

// planOr joins two sensitivity marks.
func planOr(a, b any) any {
	switch {
	case a == nil || a == false:
		return b
	case b == nil || b == false:
		return a
	case a == true || b == true:
		return true
	}
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if ok1 && ok2 {
		out := map[string]any{}
		for k, v := range am {
			out[k] = v
		}
		for k, v := range bm {
			out[k] = planOr(out[k], v)
		}
		return out
	}
	al, ok1 := a.([]any)
	bl, ok2 := b.([]any)
	if ok1 && ok2 {
		n := max(len(al), len(bl))
		out := make([]any, n)
		for i := range out {
			var x, y any
			if i < len(al) {
				x = al[i]
			}
			if i < len(bl) {
				y = bl[i]
			}
			out[i] = planOr(x, y)
		}
		return out
	}
	return true
}
