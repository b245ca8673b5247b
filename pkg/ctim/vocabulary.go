package ctim

import "strings"

// vocabulary is a closed list of values a CTIM field may hold.
type vocabulary struct {
	name   string
	values []string
	set    map[string]bool
}

func newVocabulary(name string, values ...string) vocabulary {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return vocabulary{name: name, values: values, set: set}
}

// has reports whether value is in the vocabulary.
func (v vocabulary) has(value string) bool { return v.set[value] }

// describe names the allowed values, or the vocabulary when the list is
// too long to read in one message.
func (v vocabulary) describe() string {
	if len(v.values) > 8 {
		return "a value of the CTIM " + v.name + " vocabulary"
	}
	return "one of " + strings.Join(v.values, ", ")
}

// confidences holds CTIM's HighMedLow values.
var confidences = newVocabulary("confidence",
	"High", "Medium", "Low", "Info", "None", "Unknown")

// severities holds CTIM's severity values, HighMedLow plus Critical.
var severities = newVocabulary("severity",
	"Critical", "High", "Medium", "Low", "Info", "None", "Unknown")

// tlps holds the TLP levels CTIM accepts; it has not adopted TLP 2.0's
// "clear".
var tlps = newVocabulary("TLP", "white", "green", "amber", "red")

var resolutions = newVocabulary("resolution",
	"allowed", "blocked", "contained", "detected")

var columnTypes = newVocabulary("column type",
	"integer", "number", "string", "url", "markdown", "observable")

var dispositionNames = map[int]string{
	1: "Clean", 2: "Malicious", 3: "Suspicious", 4: "Common", 5: "Unknown",
}

var relationshipTypes = newVocabulary("relationship type",
	"attributed-to", "based-on", "derived-from", "detects",
	"duplicate-of", "element-of", "exploits", "indicates", "member-of",
	"mitigates", "phase-of", "related-to", "sighting-of",
	"subtechnique-of", "targets", "task-of", "technique-of", "uses",
	"variant-of")

var observableTypes = newVocabulary("observable type",
	"acudid", "amp_computer_guid", "certificate_common_name",
	"certificate_issuer", "certificate_serial", "cisco_cm_id",
	"cisco_mid", "cisco_uc_id", "cortex_agent_id", "crowdstrike_id",
	"cvm_id", "cybereason_id", "darktrace_id", "device", "domain",
	"email", "email_messageid", "email_subject", "file_name",
	"file_path", "hostname", "imei", "imsi", "ip", "ipv6",
	"mac_address", "md5", "meraki_network_id", "meraki_node_sn",
	"meraki_org_id", "ms_machine_id", "mutex", "ngfw_id", "ngfw_name",
	"odns_identity", "odns_identity_label", "orbital_node_id",
	"pki_serial", "process_args", "process_hash", "process_name",
	"process_path", "process_uid", "process_username", "processor_id",
	"registry_key", "registry_name", "registry_path", "s1_agent_id",
	"serial_number", "sha1", "sha256", "swc_device_id",
	"trend_micro_id", "url", "user", "user_agent")

// sensors are the OpenC2 actuator names CTIM uses for a sighting's sensor
// and for the type of a target.
var sensors = newVocabulary("sensor",
	"endpoint", "endpoint.digital-telephone-handset", "endpoint.laptop",
	"endpoint.pos-terminal", "endpoint.printer", "endpoint.sensor",
	"endpoint.server", "endpoint.smart-meter", "endpoint.smart-phone",
	"endpoint.tablet", "endpoint.workstation",
	"network", "network.bridge", "network.firewall", "network.gateway",
	"network.guard", "network.hips", "network.hub", "network.ids",
	"network.ips", "network.modem", "network.nic", "network.proxy",
	"network.router", "network.security_manager",
	"network.sense_making", "network.sensor", "network.switch",
	"network.vpn", "network.wap",
	"process", "process.aaa-server", "process.anti-virus-scanner",
	"process.connection-scanner", "process.directory-service",
	"process.dns-server", "process.email-service",
	"process.file-scanner", "process.location-service",
	"process.network-scanner", "process.remediation-service",
	"process.reputation-service", "process.sandbox",
	"process.virtualization-service", "process.vulnerability-scanner")

var relations = newVocabulary("observed relation",
	"Allocated", "Allocated_By", "Attached_To", "Bound", "Bound_By",
	"Characterized_By", "Characterizes", "Child_Of", "Closed",
	"Closed_By", "Compressed", "Compressed_By", "Compressed_From",
	"Compressed_Into", "Connected_From", "Connected_To",
	"Contained_Within", "Contains", "Copied", "Copied_By",
	"Copied_From", "Copied_To", "Created", "Created_By", "Decoded",
	"Decoded_By", "Decompressed", "Decompressed_By", "Decrypted",
	"Decrypted_By", "Deleted", "Deleted_By", "Deleted_From",
	"Downloaded", "Downloaded_By", "Downloaded_From", "Downloaded_To",
	"Dropped", "Dropped_By", "Encoded", "Encoded_By", "Encrypted",
	"Encrypted_By", "Encrypted_From", "Encrypted_To", "Extracted_From",
	"FQDN_Of", "Freed", "Freed_By", "Hooked", "Hooked_By",
	"Initialized_By", "Initialized_To", "Injected", "Injected_As",
	"Injected_By", "Injected_Into", "Installed", "Installed_By",
	"Joined", "Joined_By", "Killed", "Killed_By", "Listened_On",
	"Listened_On_By", "Loaded_From", "Loaded_Into", "Locked",
	"Locked_By", "Mapped_By", "Mapped_Into", "Merged", "Merged_By",
	"Modified_Properties_Of", "Monitored", "Monitored_By", "Moved",
	"Moved_By", "Moved_From", "Moved_To", "Opened", "Opened_By",
	"Packed", "Packed_By", "Packed_From", "Packed_Into", "Parent_Of",
	"Paused", "Paused_By", "Previously_Contained",
	"Properties_Modified_By", "Properties_Queried",
	"Properties_Queried_By", "Read_From", "Read_From_By", "Received",
	"Received_By", "Received_From", "Received_Via_Upload",
	"Redirects_To", "Refers_To", "Related_To", "Renamed", "Renamed_By",
	"Renamed_From", "Renamed_To", "Resolved_To", "Resumed",
	"Resumed_By", "Root_Domain_Of", "Searched_For", "Searched_For_By",
	"Sent", "Sent_By", "Sent_To", "Sent_Via_Upload", "Set_From",
	"Set_To", "Sub-domain_Of", "Supra-domain_Of", "Suspended",
	"Suspended_By", "Unhooked", "Unhooked_By", "Unlocked",
	"Unlocked_By", "Unpacked", "Unpacked_By", "Uploaded",
	"Uploaded_By", "Uploaded_From", "Uploaded_To", "Used", "Used_By",
	"Values_Enumerated", "Values_Enumerated_By", "Written_To_By",
	"Wrote_To")
