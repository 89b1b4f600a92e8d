package cloudformation

import "testing"

func TestIsTemplate(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       bool
	}{
		{"a template with a format version", `{"AWSTemplateFormatVersion": "2010-09-09"}`, true},
		{"YAML resources with short-form tags", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Ref N}\n", true},
		{"a custom resource", `{"Resources": {"C": {"Type": "Custom::Thing"}}}`, true},
		{"a broken template that names a type", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  - [\n", true},
		{"package.json", `{"name": "x", "version": "1.0.0"}`, false},
		{"a workflow", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n", false},
		{"resources without a type", `{"Resources": {"A": {"Properties": {}}}}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := IsTemplate([]byte(c.data)); got != c.want {
				t.Errorf("IsTemplate = %v, want %v", got, c.want)
			}
		})
	}
}
