package console

import (
	"testing"
	"time"
)

func TestLinks(t *testing.T) {
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(24 * time.Hour)
	tests := []struct {
		name, got, want string
	}{
		{"instance", Instance("eu-west-1", "i-0abc"),
			"https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1" +
				"#InstanceDetails:instanceId=i-0abc"},
		{"gov cloud host", Instance("us-gov-west-1", "i-1"),
			"https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1" +
				"#InstanceDetails:instanceId=i-1"},
		{"china host", VPCs("cn-north-1"),
			"https://console.amazonaws.cn/vpcconsole/home?region=cn-north-1#vpcs:"},
		{"instance search", InstancesWithAddress("us-east-1", "2001:db8::1"),
			"https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1" +
				"#Instances:search=2001%3Adb8%3A%3A1"},
		{"log events", LogEvents("us-east-1", "/vpc/flows", "10.0.1.5"),
			"https://us-east-1.console.aws.amazon.com/cloudwatch/home?" +
				"region=us-east-1#logsV2:log-groups/log-group/$252Fvpc$252Fflows" +
				"/log-events$3FfilterPattern$3D$252210.0.1.5$2522"},
		{"insights", LogsInsights("us-east-1", "flows", "fields @message", from, to),
			"https://us-east-1.console.aws.amazon.com/cloudwatch/home?" +
				"region=us-east-1#logsV2:logs-insights$3FqueryDetail$3D~(end~'" +
				"2026-12-02T00*3A00*3A00Z~start~'2026-12-01T00*3A00*3A00Z~timeType~'" +
				"ABSOLUTE~tz~'UTC~editorString~'fields*20*40message~source~(~'flows))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %s\nwant %s", tt.got, tt.want)
			}
		})
	}
}
