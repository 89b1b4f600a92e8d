package load

import (
	"testing"
)

// BenchmarkCheck30Services judges the 30 services of one library stack
// (testdata/services-30.template.json, cmd/peer -services 30): reading,
// the model, the verdicts and the report, in one process.
//
//	go test ./constructs/pullpath -run '^$' -bench . -benchmem
func BenchmarkCheck30Services(b *testing.B) {
	for range b.N {
		r, err := Check([]string{"../testdata/services-30.template.json"}, opts(nil))
		if err != nil || len(r.Templates[0].Services) != 30 {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckDefaultApp judges the default app's template.
func BenchmarkCheckDefaultApp(b *testing.B) {
	for range b.N {
		if _, err := Check([]string{"../../../test/testdata/app-default.template.json"}, opts(nil)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckConditions judges a template whose services wait on five
// conditions it cannot decide (testdata/verdicts/conditions-many.yaml): one
// service is judged under the 16 combinations of the four it depends on,
// the other depends on more than MaxChoices and is not.
func BenchmarkCheckConditions(b *testing.B) {
	for range b.N {
		if _, err := Check([]string{"../testdata/verdicts/conditions-many.yaml"}, opts(nil)); err != nil {
			b.Fatal(err)
		}
	}
}
