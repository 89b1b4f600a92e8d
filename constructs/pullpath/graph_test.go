package pullpath

import (
	"strings"
	"testing"
)

func TestParseECRImage(t *testing.T) {
	for image, want := range map[string]string{
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com/app:v1":              "111122223333 eu-west-1 app v1 ",
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app":            "111122223333 eu-west-1 team/app latest ",
		"111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:abc":      "111122223333 eu-west-1 app  sha256:abc",
		"111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v1@sha256:a": "111122223333 cn-north-1 app v1 sha256:a",
		"public.ecr.aws/nginx/nginx:1.27":                                  "false",
		"nginx":                                                            "false",
	} {
		im, ok := ParseECRImage(image)
		got := strings.Join([]string{im.Account, im.Region, im.Repo, im.Tag, im.Digest}, " ")
		if !ok {
			got = "false"
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", image, got, want)
		}
	}
}
