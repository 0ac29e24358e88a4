package catalog

import (
	"slices"
	"time"
)

// DefaultID and DefaultName identify the default catalog: the seed's list,
// published 2025-07-01, installed on first start.
const (
	DefaultID   = "cat_default_20250701"
	DefaultName = "2025-07-01"
)

// Default returns the default catalog as announced and in effect from
// 2025-07-01: the seven items of the seed, the Chinese texts in the seed's own
// words and the English from its faithful rendering.
func Default() Version {
	announced := time.Date(2025, 6, 30, 16, 0, 0, 0, time.UTC) // 2025-07-01 00:00 Beijing, the seed's publication date
	return Version{
		ID: DefaultID, Name: DefaultName, State: Announced, AnnouncedAt: &announced, EffectiveFrom: "2025-07-01",
		Items: defaultItems(),
	}
}

func defaultItems() []Item {
	all := Deployments
	subscription := []string{PublicCloud, PrivateCloudSubscription}
	items := []Item{
		{
			Code:     "community",
			Name:     Text{"金蝶云社区", "Cloud Community"},
			Category: SelfService, AppliesTo: all, DeliveredAt: "/community",
			Description: Text{
				"为客户提供的在线自助社区，包括互助问答、帮助中心、在线课程等。",
				"An online self-service community for customers: mutual-help Q&A, the help center, online courses and more.",
			},
		},
		{
			Code:     "smart_service",
			Name:     Text{"智能客服", "Intelligent customer service"},
			Category: SelfService, AppliesTo: all, Hours: Hours724, DeliveredAt: "/assistant",
			Description: Text{
				"为客户提供的智能服务，包括客服机器人、智能语音热线等。服务时间：7×24 小时。",
				"Intelligent service for customers: the customer-service robot, the intelligent voice hotline and more. Service hours 7×24.",
			},
		},
		{
			Code:     "cloud_ops",
			Name:     Text{"公有云运维", "Public cloud operations"},
			Category: Operations, AppliesTo: []string{PublicCloud}, DeliveredAt: "/ops",
			Description: Text{
				"面向公有云产品客户提供以下服务内容，确保金蝶云系统持续稳定运行：",
				"For public-cloud product customers, to keep the cloud system running continuously and stably:",
			},
			Parts: []Text{
				{"标准化的运维保障", "Standardised operations guarantee"},
				{"环境健康巡检与监控预警", "Environment health inspection and monitoring alerts"},
				{"全面的安全运维保障", "Comprehensive security operations"},
				{"持续的标准产品环境版本升级更新服务", "Continuous version upgrades of the standard product environment"},
			},
			Exclusions: []Text{
				{"不含配置调整及测试服务", "Excluding configuration adjustment and testing"},
				{"不含定制开发及第三方产品的更新升级", "Excluding custom development and third-party product upgrades"},
			},
		},
		{
			Code:     "patch_download",
			Name:     Text{"产品补丁包下载", "Product patch download"},
			Category: Updates, AppliesTo: all, DeliveredAt: "/patches",
			Description: Text{
				"客户可通过补丁下载获取对应产品的缺陷修正补丁、功能升级包等。",
				"Customers download defect-fix patches, feature upgrade packages and more for their product.",
			},
		},
		{
			Code:     "requirement_listening",
			Name:     Text{"需求聆听", "Requirement listening"},
			Category: Updates, AppliesTo: all, DeliveredAt: "/ideas",
			Description: Text{
				"客户可通过金蝶云社区创新广场反馈对软件产品的功能需求、建议。",
				"Customers submit feature requests and suggestions for the software through the community's Innovation Square.",
			},
		},
		{
			Code:     "license_upgrade",
			Name:     Text{"许可升级", "License upgrade"},
			Category: Updates, AppliesTo: subscription, DeliveredAt: "/licenses",
			Description: Text{
				"面向订阅产品提供与旧版本功能模块、用户数等量的最新版本许可（不包含升级服务）。",
				"For subscription products: a license for the newest version with the same functional modules and the same number of users as the old version (the upgrade service itself is not included).",
			},
			Exclusions: []Text{{"不包含升级服务", "The upgrade service itself is not included"}},
		},
		{
			Code:     "hotline_rescue",
			Name:     Text{"热线服务", "Hotline service"},
			Category: Support, AppliesTo: all, Hours: Hours724, DeliveredAt: "/rescues",
			Quota: &Quota{Count: 4, Period: ServiceYear},
			SLA:   &SLA{AcknowledgeMinutes: 15, UpdateMinutes: 60},
			Description: Text{
				"面向软件系统致命故障进行紧急救援。致命故障是指系统大面积不可用或异常阻塞，导致客户日常业务无法正常进行。每年不超过 4 次。服务时间：7×24 小时。",
				"Emergency rescue for fatal failures of the software system. A fatal failure is large-scale unavailability or abnormal blocking of the system that stops the customer's daily business. At most 4 times a year. Service hours 7×24.",
			},
		},
	}
	for i := range items {
		items[i].AppliesTo = slices.Clone(items[i].AppliesTo)
		items[i].Regions = slices.Clone(DefaultRegions)
		if items[i].Exclusions == nil {
			items[i].Exclusions = []Text{}
		}
	}
	return items
}
