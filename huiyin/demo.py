"""A living demo year (演示数据): units, deputies, users, fifty-two suggestions of this year, last year and the
year before (two of them merged, 并案), and this year's six inquiry letters, six CPPCC proposals, three
deliberation opinions and four livelihood projects, played through a year on the demo's rehearsal clock
(huiyin/demo_year.py).

Everything goes through the real paths (the ledger for registers, workflows for suggestions) and is
idempotent: what already exists is left as it is. Demo users get random passwords, shown once and kept in
var/demo-users.txt (mode 600).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from temporalio.client import Client

from core.settings import VAR_DIR, Settings
from domain import commands as c
from domain.calendar import add_months, local_date
from domain.enums import ContactWay, Period, ResultClass, Role, Verdict
from domain.kinds import KINDS, Kind
from domain.models import Actor, Commitment, SuggestionState
from domain.saved_views import readme_queries
from ledger.rows import DeputyRow, UnitRow, UserRow
from services.register import SuggestionInput
from services.users import new_user

UNITS = [  # code, name, head (主要负责人)
    ("U01", "市住房和城乡建设局", "李明远"),
    ("U02", "市教育局", "王慧敏"),
    ("U03", "市卫生健康委员会", "张国栋"),
    ("U04", "市交通运输局", "刘振华"),
    ("U05", "市农业农村局", "陈立军"),
    ("U06", "市生态环境局", "赵晓峰"),
    ("U07", "市人力资源和社会保障局", "孙丽华"),
    ("U08", "市文化广电和旅游局", "周文博"),
    ("U09", "市公安局", "吴建军"),
    ("U10", "市发展和改革委员会", "郑宏伟"),
    ("U11", "市城市管理局", "黄志刚"),
    ("U12", "市水利局", "马永祥"),
]

DELEGATIONS = ["城区代表团", "东湖区代表团", "高新区代表团", "西山县代表团", "南河县代表团"]
DEPUTY_NAMES = [
    "张建国", "李秀英", "王志强", "刘桂兰", "陈海燕", "杨文华", "赵德明", "黄丽萍", "周国庆", "吴晓东",
    "徐春梅", "孙立新", "马玉兰", "朱永刚", "胡晓燕", "郭红军", "何淑珍", "林志远", "高翠英", "罗建华",
    "郑秀云", "梁振华", "谢美玲", "宋德胜", "唐慧敏", "韩保国", "冯桂芳", "邓志明", "曹玉梅", "彭永福",
]

# title, body, field, lead unit, co-handling unit (or None)
SUGGESTIONS = [
    ("关于加快推进老旧小区加装电梯工作的建议",
     "我市2000年以前建成的老旧小区多为六层以下无电梯住宅，老年住户上下楼十分困难。目前加装电梯审批环节多、补贴标准偏低，低层住户意见难以协调。建议简化审批流程、提高财政补贴标准，并由街道社区牵头建立协商议事机制。",
     "urban_management", "U01", "U10"),
    ("关于缓解老城区停车难问题的建议",
     "老城区道路狭窄、停车位严重不足，车辆占道停放现象普遍，影响通行和消防安全。建议利用边角地、闲置地建设立体停车场，推动机关事业单位停车场夜间向周边居民错时开放。同时完善智慧停车引导系统，提高现有车位利用率。",
     "urban_management", "U11", "U09"),
    ("关于加强城市背街小巷环境整治的建议",
     "部分背街小巷路面破损、杂物堆放、线缆杂乱，与主干道形成明显反差。建议将背街小巷整治纳入城市更新年度计划，分批实施路面修复和架空线入地。",
     "urban_management", "U11", None),
    ("关于推进老旧小区雨污分流改造的建议",
     "不少老旧小区仍为雨污合流管网，雨季污水外溢、异味明显。建议结合老旧小区改造同步实施雨污分流，明确改造时序和资金来源。改造完成后移交专业单位统一养护。",
     "urban_management", "U01", "U06"),
    ("关于规范住宅小区物业服务管理的建议",
     "部分小区物业服务质量不高，收费不透明，业主与物业矛盾时有发生。建议建立物业服务质量评价和信用管理制度，推动业主委员会规范运行。对长期无物业的小区，由街道引入托底物业服务。",
     "urban_management", "U01", None),
    ("关于增设城市公共厕所并提升管理水平的建议",
     "城区部分商业街区、公园周边公共厕所数量不足，节假日如厕排队现象突出。建议按照服务半径补建公共厕所，鼓励沿街单位厕所对外开放，并在地图软件上标注位置。",
     "urban_management", "U11", None),
    ("关于加快城市燃气管道老化更新改造的建议",
     "我市部分燃气管道已运行二十年以上，存在腐蚀老化等安全隐患。建议摸清底数，制定老化管道更新改造三年计划。同时加强对餐饮场所燃气使用的安全检查。",
     "urban_management", "U01", None),
    ("关于改善中小学校学生午餐供应的建议",
     "目前部分学校午餐由校外企业配送，菜品单一、送达时温度偏低，家长反映较多。建议推动有条件的学校建设校内食堂，完善配餐企业准入和考核机制。邀请家长代表参与陪餐监督，定期公开食谱和检测结果。",
     "education", "U02", "U03"),
    ("关于增加城区公办幼儿园学位的建议",
     "随着新建小区陆续入住，城区公办幼儿园学位供不应求，入园难、入园贵问题突出。建议加快配套幼儿园建设和移交，扩大普惠性学前教育资源供给。",
     "education", "U02", None),
    ("关于规范校外培训机构管理的建议",
     "部分校外培训机构存在预收费过高、退费难等问题，损害家长权益。建议落实预收费资金监管，建立培训机构黑白名单，并畅通投诉举报渠道。",
     "education", "U02", None),
    ("关于加强乡村学校教师队伍建设的建议",
     "乡村学校教师年龄结构老化、学科结构不合理，音体美和英语教师短缺。建议落实乡村教师生活补助，完善城乡教师交流轮岗制度。在职称评聘上向长期在乡村任教的教师倾斜。",
     "education", "U02", "U07"),
    ("关于完善中小学课后延时服务的建议",
     "课后延时服务内容以作业辅导为主，形式较为单一，部分学校参与率不高。建议引入体育、艺术、科技等社会资源，丰富课后服务内容，并合理核定教师课后服务补助。",
     "education", "U02", None),
    ("关于解决学校周边上下学时段交通拥堵的建议",
     "城区多所中小学周边道路在上下学时段拥堵严重，接送车辆乱停乱放，存在安全隐患。建议在学校周边设置临时停车区和家长等候区，上下学时段增派警力疏导交通。",
     "public_safety", "U09", "U02"),
    ("关于提升基层卫生院服务能力的建议",
     "乡镇卫生院设备陈旧、专业人才缺乏，群众常见病也要到城区就医。建议加大基层医疗设备投入，推动市级医院专家定期下沉坐诊。完善县乡村一体化管理，让群众在家门口看得上病。",
     "health", "U03", None),
    ("关于推进医养结合养老服务发展的建议",
     "我市60岁以上老年人口占比已超过20%，失能半失能老人的医疗护理需求日益增长。建议支持养老机构与医疗机构签约合作，推动社区卫生服务中心与日间照料中心统筹建设。探索长期护理保险制度，减轻家庭照护负担。",
     "health", "U03", "U07"),
    ("关于扩大家庭医生签约服务覆盖面的建议",
     "家庭医生签约后服务内容不够实在，部分居民反映“签而不约”。建议丰富签约服务包，优先保障老年人、慢性病患者等重点人群，并将签约服务质量纳入考核。",
     "health", "U03", None),
    ("关于缩短市级医院门诊排队等候时间的建议",
     "市级医院门诊挂号、缴费、检查排队时间长，患者就医体验不佳。建议全面推行分时段预约诊疗和诊间结算，优化检查预约流程，减少患者往返排队。",
     "health", "U03", None),
    ("关于加强社区心理健康服务的建议",
     "青少年和老年人心理健康问题日益受到关注，但社区心理服务资源不足。建议在社区卫生服务中心设立心理咨询室，培养专兼职心理服务人员，并开通心理援助热线。",
     "health", "U03", None),
    ("关于加快农村公路提档升级的建议",
     "部分农村公路路面窄、弯道急、破损严重，雨天出行困难，农产品运输不便。建议将通村公路加宽改造纳入交通建设规划，落实养护资金和管护责任。",
     "transport", "U04", "U05"),
    ("关于优化城乡公交线路和班次的建议",
     "城乡公交线路覆盖不足，部分偏远村组班次少、末班车早，群众出行不便。建议根据客流优化线路，在重点时段加密班次，并推广预约响应式公交。",
     "transport", "U04", None),
    ("关于在主城区增设公交港湾式停靠站的建议",
     "主城区部分公交站点设在车行道上，公交车停靠时造成后方车辆排队。建议结合道路改造增设港湾式停靠站，并完善站台候车设施。",
     "transport", "U04", "U11"),
    ("关于加强农村客运站点建设的建议",
     "不少农村客运招呼站年久失修，缺少候车亭和站牌，雨雪天气候车困难。建议统筹建设农村客运候车亭，标明线路和班次信息。",
     "transport", "U04", None),
    ("关于推进新能源汽车充电桩建设的建议",
     "我市新能源汽车保有量快速增长，但公共充电桩布局不均，老旧小区充电难问题突出。建议编制充电基础设施专项规划，推动居住区充电桩共建共享。",
     "economy", "U10", "U04"),
    ("关于扶持特色农产品品牌建设的建议",
     "我市特色农产品品质好但知名度不高，“好东西卖不上好价钱”。建议整合区域公用品牌，支持农产品地理标志认证，并借助电商平台拓宽销售渠道。",
     "agriculture", "U05", None),
    ("关于加强高标准农田建设后期管护的建议",
     "部分已建成的高标准农田存在沟渠淤塞、机井损坏等问题，管护主体不明确。建议建立建管并重的长效管护机制，落实管护资金和责任人。",
     "agriculture", "U05", "U12"),
    ("关于推进农村生活垃圾分类处理的建议",
     "农村生活垃圾收运体系不健全，部分村庄垃圾随意堆放、焚烧现象仍然存在。建议完善村收集、镇转运、县处理体系，试点推行农村垃圾分类积分兑换。",
     "environment", "U05", "U06"),
    ("关于加快农村冷链物流设施建设的建议",
     "农产品产地冷藏保鲜设施不足，果蔬采后损耗较大。建议支持建设产地预冷和冷藏保鲜设施，完善县乡村三级物流配送网络。",
     "agriculture", "U05", "U10"),
    ("关于支持家庭农场和农民合作社发展的建议",
     "家庭农场和农民合作社普遍存在融资难、经营管理水平不高等问题。建议加大金融信贷支持力度，开展经营主体带头人培训，推动规范化运营。",
     "agriculture", "U05", None),
    ("关于加强清水河流域水污染治理的建议",
     "清水河部分河段水质下降，沿岸存在生活污水直排和养殖废水排放问题，群众反映强烈。建议开展入河排污口排查整治，加快沿河村庄污水管网建设。落实河长制，建立上下游联防联控机制。",
     "environment", "U06", "U12"),
    ("关于整治餐饮油烟扰民问题的建议",
     "部分居民楼底层餐饮店油烟直排，严重影响楼上居民生活。建议严格落实油烟净化设施安装和定期清洗，对扰民问题突出的店铺依法整治。",
     "environment", "U06", "U11"),
    ("关于加强建筑工地扬尘管控的建议",
     "城区在建工地较多，部分工地围挡不严、裸土未覆盖，扬尘污染明显。建议全面落实六个百分之百要求，推广在线监测，对违规工地加大处罚力度。",
     "environment", "U06", "U01"),
    ("关于推进工业园区污水集中处理的建议",
     "部分工业园区污水处理设施能力不足，企业预处理不达标现象时有发生。建议加快园区污水处理厂提标扩容，加强企业排水在线监控。",
     "environment", "U06", None),
    ("关于提高城乡居民基础养老金水平的建议",
     "城乡居民基础养老金标准较低，难以满足农村老年人的基本生活需要。建议建立基础养老金正常调整机制，鼓励居民选择较高档次缴费。",
     "social_security", "U07", None),
    ("关于加强灵活就业人员社会保障的建议",
     "外卖骑手、网约车司机等灵活就业人员参保率低，职业伤害保障不足。建议放开灵活就业人员参保户籍限制，推进新就业形态职业伤害保障试点。",
     "social_security", "U07", None),
    ("关于加快社区居家养老服务中心建设的建议",
     "社区居家养老服务设施覆盖率不高，助餐、助浴等服务供给不足。建议利用社区闲置用房建设养老服务中心，引入专业机构运营，并对困难老人给予服务补贴。",
     "social_security", "U07", "U03"),
    ("关于做好高校毕业生就业服务的建议",
     "今年高校毕业生人数再创新高，部分毕业生就业意向与岗位需求不匹配。建议举办专场招聘活动，加大见习岗位开发力度，落实吸纳就业补贴政策。",
     "social_security", "U07", None),
    ("关于根治农民工欠薪问题的建议",
     "工程建设领域拖欠农民工工资问题仍时有发生，春节前尤为集中。建议全面落实工资专用账户和工资保证金制度，畅通欠薪维权渠道。",
     "social_security", "U07", None),
    ("关于保护利用历史文化街区的建议",
     "老城区历史文化街区部分老建筑年久失修，商业业态同质化严重。建议编制保护利用规划，修缮历史建筑，引入非遗展示和文创业态。",
     "culture_tourism", "U08", "U01"),
    ("关于发展乡村旅游带动农民增收的建议",
     "我市乡村旅游资源丰富，但配套设施不完善、产品同质化。建议打造精品旅游线路，支持发展特色民宿和农家乐，带动村民就近就业增收。",
     "culture_tourism", "U08", "U05"),
    ("关于增加基层公共文化服务供给的建议",
     "部分村级综合文化服务中心利用率不高，活动内容单一。建议推行点单式文化服务，组织文艺团体送戏下乡，并培育本土文艺骨干。",
     "culture_tourism", "U08", None),
    ("关于提升景区旅游厕所和停车配套的建议",
     "节假日期间主要景区停车位紧张、旅游厕所不足，游客体验较差。建议扩建景区停车场，增设移动厕所，并在高峰期实行预约限流。",
     "culture_tourism", "U08", None),
    ("关于加强电动自行车安全管理的建议",
     "电动自行车进楼入户充电引发的火灾时有发生，群众安全意识有待提高。建议在小区建设集中充电设施，加强对非法改装和违规充电的查处。",
     "public_safety", "U09", None),
    ("关于防范和打击电信网络诈骗的建议",
     "电信网络诈骗手段不断翻新，老年人和学生群体受骗案件较多。建议深入开展反诈宣传进社区、进校园，加强与银行、通信企业的协作止付。",
     "public_safety", "U09", None),
    ("关于完善农村道路交通安全设施的建议",
     "农村道路平交路口多，缺少警示标志和减速设施，交通事故隐患较大。建议开展农村道路隐患排查，增设警示标志、减速带和路口照明。",
     "public_safety", "U09", "U04"),
    ("关于优化营商环境支持民营企业发展的建议",
     "部分民营企业反映审批事项多、办事周期长，融资成本偏高。建议深化审批制度改革，推行涉企事项“一件事一次办”，并完善政银企对接机制。",
     "economy", "U10", None),
    ("关于加快县域商业体系建设的建议",
     "县域商业网点布局不均，乡镇商贸中心功能较弱，农村消费潜力未能充分释放。建议改造提升乡镇商贸中心，完善县乡村三级商业网络。",
     "economy", "U10", None),
    ("关于稳定重要民生商品价格的建议",
     "近期部分蔬菜、肉类价格波动较大，影响群众生活。建议完善重要民生商品价格监测预警，落实储备投放机制，保障市场供应。",
     "economy", "U10", None),
    ("关于加快农村饮水安全巩固提升工程的建议",
     "部分山区村组供水水源不稳定，夏季高峰期出现间歇性停水。建议推进城乡供水一体化，加强水源保护和水质检测，落实农村供水工程管护责任。",
     "agriculture", "U12", None),
    ("关于加强城区防洪排涝设施建设的建议",
     "去年汛期城区多处路段出现严重积水，部分地下车库进水。建议对易涝点进行系统排查，加快排水管网和泵站改造，完善城市内涝预警机制。",
     "urban_management", "U12", "U01"),
    ("关于推进政务服务“一网通办”的建议",
     "群众办事仍需在多个部门之间来回跑，部分事项线上线下标准不一致。建议打通部门数据壁垒，推动高频事项全程网办，并保留线下帮办代办服务。",
     "governance", "U10", None),
    # This year's two on the same matter: the second is merged into the first (并案).
    ("关于规范校外培训机构预收费管理的建议",
     "部分校外培训机构违规大额预收费，停业后退费难，家长投诉集中。建议建立预收费资金监管账户，限定预收费期限和金额，畅通投诉退费渠道。",
     "education", "U02", None),
    ("关于加强校外培训机构预收费资金监管的建议",
     "近年多起校外培训机构“卷款跑路”事件损害家长权益。建议将预收费纳入银行资金监管，开展常态化检查，及时公布风险提示。",
     "education", "U02", None),
]

# The letters a public hearing (问政) left to units: title, body, field, the unit named at the hearing, None.
HEARING = "第二期“阳光问政”"
INQUIRIES = [
    ("关于城区背街小巷路灯长期不亮的问题",
     "问政现场群众反映，城区多条背街小巷路灯损坏后长期无人维修，夜间出行不便，存在安全隐患。请明确维修责任和时限。",
     "urban_management", "U11", None),
    ("关于学校周边上下学时段交通拥堵的问题",
     "问政现场家长反映，实验小学、第二中学周边上下学时段车辆乱停、拥堵严重。请拿出疏导方案。",
     "transport", "U09", None),
    ("关于乡镇卫生院夜间无医生值班的问题",
     "问政现场代表反映，部分乡镇卫生院夜间无医生值班，群众急诊只能赶往县城。请落实夜间值班制度。",
     "health", "U03", None),
    ("关于河道沿岸垃圾清理不及时的问题",
     "问政现场暗访视频显示，城东河道沿岸垃圾堆积、长期无人清理。请建立常态化保洁机制。",
     "environment", "U12", None),
    ("关于农贸市场周边占道经营的问题",
     "问政现场群众反映，城北农贸市场周边占道经营、早晚高峰通行困难。请规范管理并给出整治时间表。",
     "urban_management", "U11", None),
    ("关于公交站台缺少候车遮阳设施的问题",
     "问政现场代表反映，新区多个公交站台没有遮阳棚和座椅，夏季候车困难。请纳入建设计划。",
     "transport", "U04", None),
]

# CPPCC members' proposals (政协提案): title, body, field, lead unit, co-handling unit (or None).
PROPOSALS = [
    ("关于推进社区嵌入式养老服务的提案",
     "老旧社区老年人口比例高，养老服务设施不足。建议在社区配建嵌入式养老服务站，提供助餐、助浴、日间照料等服务。",
     "social_security", "U07", "U01"),
    ("关于加强中小学生心理健康教育的提案",
     "中小学生心理问题呈上升趋势，专职心理教师配备不足。建议按师生比配齐心理教师，建立家校医协同机制。",
     "education", "U02", "U03"),
    ("关于发展乡村民宿产业的提案",
     "我市乡村旅游资源丰富，但民宿经营分散、标准不一。建议出台民宿管理办法，扶持打造精品民宿集群。",
     "culture_tourism", "U08", "U05"),
    ("关于完善新能源汽车充电设施的提案",
     "居民小区充电桩安装难、公共充电设施分布不均。建议将充电设施纳入城市规划，推动小区统建统营。",
     "transport", "U10", "U04"),
    ("关于加强城市古树名木保护的提案",
     "部分古树名木生长环境受到挤压，养护经费不足。建议开展普查建档，落实养护责任和专项经费。",
     "environment", "U06", None),
    ("关于促进高校毕业生留市就业的提案",
     "近年来本地高校毕业生留市比例偏低。建议完善人才公寓、就业补贴等政策，搭建校企对接平台。",
     "social_security", "U07", None),
]

# The standing committee's deliberation opinions (审议意见) on reports of the government: title, body, field,
# the unit that rectifies, None.
MEETING = "人大常委会第十八次会议"
DELIBERATIONS = [
    ("关于市政府城市生活垃圾分类工作情况报告的审议意见",
     "一、加快分类收运处置体系建设；二、完善考核激励机制；三、加强宣传引导，提高居民参与率。",
     "environment", "U06", None),
    ("关于市政府优化营商环境工作情况报告的审议意见",
     "一、压缩审批时限；二、清理涉企收费；三、建立企业诉求快速响应机制。",
     "economy", "U10", None),
    ("关于市政府义务教育优质均衡发展情况报告的审议意见",
     "一、加快薄弱学校改造；二、推进教师轮岗交流；三、规范课后服务。",
     "education", "U02", None),
]

# Candidate livelihood projects (民生实事项目) put to the deputies' vote at the session: title, body, field, the
# unit that carries it out, None.
LIVELIHOODS = [
    ("新建改建城区公办幼儿园10所", "新增公办学位3000个，缓解城区入园难、入园贵。", "education", "U02", None),
    ("改造老旧小区50个", "完成供水、供气、屋面防水和无障碍设施改造，惠及居民1.2万户。", "urban_management", "U01", None),
    ("建设社区食堂20个", "为老年人提供助餐服务，覆盖主城区主要街道。", "social_security", "U07", None),
    ("新建城市停车泊位5000个", "利用边角地和地下空间建设公共停车场，缓解老城区停车难。", "transport", "U03", None),
]
THREE_REVIEWS = ("同意提请党委常委会审议。", "同意提请常委会会议审议。", "同意列为票决候选项目。")

CONTACT_WAYS = [ContactWay.visit, ContactWay.phone, ContactWay.meeting, ContactWay.liaison_station]
UNIT_NAMES = {code: name for code, name, _ in UNITS}
HEADS = {code: head for code, _, head in UNITS}


@dataclass
class DemoResult:
    units: int = 0
    deputies: int = 0
    users: int = 0
    suggestions: int = 0
    driven: int = 0
    passwords: dict[str, str] = field(default_factory=dict)  # new users only, shown once
    seconds: float = 0.0  # how long the demo's year took to play


# --- actors of the demo users ------------------------------------------------------------

COORDINATOR = Actor(user="demo-coordinator", role=Role.coordinator)
COMMITTEE = Actor(user="demo-committee", role=Role.proposal_committee)  # 政协提案委员会


def handler(unit: str) -> Actor:
    return Actor(user=f"demo-{unit.lower()}-handler", role=Role.unit_handler, unit=unit)


def head(unit: str) -> Actor:
    return Actor(user=f"demo-{unit.lower()}-head", role=Role.unit_head, unit=unit)


def deputy(code: str) -> Actor:
    return Actor(user=f"demo-{code.lower()}", role=Role.deputy, deputy=code)


def member(code: str) -> Actor:
    """A CPPCC member (政协委员); the demo's members are in the deputies register."""
    return Actor(user=f"demo-member-{code.lower()}", role=Role.member, deputy=code)


def office(kind: Kind) -> Actor:
    """Who files and oversees an item of this kind: the proposals committee a proposal, the coordinator the rest."""
    return COMMITTEE if KINDS[kind].office[0] == Role.proposal_committee else COORDINATOR


def proposer(kind: Kind, code: str) -> Actor:
    """Who raised an item of this kind and rates its reply: a member a proposal, a deputy the rest."""
    return member(code) if KINDS[kind].office[1] == Role.member else deputy(code)


def deputy_codes() -> list[str]:
    return [f"D{n:03d}" for n in range(1, len(DEPUTY_NAMES) + 1)]


def demo_actors() -> list[Actor]:
    """One user per role; a handler and a head per unit; one user per deputy, and per CPPCC member of the proposals."""
    staff = [
        Actor(user="demo-admin", role=Role.admin),
        COORDINATOR,
        Actor(user="demo-supervisor", role=Role.supervisor),
        COMMITTEE,
    ]
    units = [actor for code, _, _ in UNITS for actor in (handler(code), head(code))]
    members = sorted({code for i in range(len(PROPOSALS)) for code in (proposal_input(i, 2000).lead_deputy,
                                                                        *proposal_input(i, 2000).co_signers)})
    return staff + units + [deputy(code) for code in deputy_codes()] + [member(code) for code in members]


# --- registers ---------------------------------------------------------------------------


def add_registers(session: Session, result: DemoResult) -> None:
    """Units and deputies that are not there yet."""
    for code, name, head_name in UNITS:
        if session.get(UnitRow, code) is None:
            session.add(UnitRow(code=code, name=name, head_name=head_name))
            result.units += 1
    for n, (code, name) in enumerate(zip(deputy_codes(), DEPUTY_NAMES)):
        if session.get(DeputyRow, code) is None:
            phone = f"138-0000-{n + 1:04d}"  # fictitious numbers
            session.add(DeputyRow(code=code, name=name, delegation=DELEGATIONS[n % len(DELEGATIONS)], phone=phone))
            result.deputies += 1
    session.commit()


def add_users(session: Session, result: DemoResult) -> None:
    """Demo users with random passwords; existing users keep theirs."""
    existing = set(session.scalars(select(UserRow.username)))
    for actor in demo_actors():
        if actor.user in existing:
            continue
        password = secrets.token_urlsafe(12)
        session.add(new_user(actor.user, password, actor.role, actor.unit, actor.deputy))
        result.passwords[actor.user] = password
        result.users += 1
    session.commit()


def keep_passwords(passwords: dict[str, str], var_dir: Path) -> Path:
    """Append new users' passwords to var/demo-users.txt, readable by its owner only."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "demo-users.txt"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as out:
        out.writelines(f"{user}\t{password}\n" for user, password in passwords.items())
    path.chmod(0o600)
    return path




# --- suggestions -------------------------------------------------------------------------


def suggestion_input(index: int, year: int) -> SuggestionInput:
    """The index-th demo suggestion: deputies and dates spread over the year's session."""
    title, body, field_, _, _ = SUGGESTIONS[index]
    codes = deputy_codes()
    lead = codes[index % len(codes)]
    co_signers = [codes[(index + k * 7) % len(codes)] for k in range(1, index % 3 + 1)]
    return SuggestionInput(
        year=year,
        period=Period.session,
        number=f"{index + 1:04d}",
        title=title,
        body=body,
        field=field_,
        lead_deputy=lead,
        co_signers=co_signers,
        received_on=date(year, 1, 8 + index % 5),
        delegation=DELEGATIONS[codes.index(lead) % len(DELEGATIONS)],
    )


def inquiry_input(index: int, year: int) -> SuggestionInput:
    """The index-th demo inquiry letter (问政交办函): asked by a deputy at the year's hearing."""
    title, body, field_, _, _ = INQUIRIES[index]
    codes = deputy_codes()
    lead = codes[(index * 5 + 3) % len(codes)]
    return SuggestionInput(
        kind=Kind.inquiry, hearing=f"{year}年{HEARING}", year=year, period=Period.closed,
        number=f"{KINDS[Kind.inquiry].number_prefix}{index + 1:04d}", title=title, body=body, field=field_,
        lead_deputy=lead, received_on=date(year, 1, 15), delegation=DELEGATIONS[codes.index(lead) % len(DELEGATIONS)],
    )


def proposal_input(index: int, year: int) -> SuggestionInput:
    """The index-th demo proposal (政协提案): a member's, with a fellow member signing it (demo members are the
    demo deputies: the console's deputy role stands for CPPCC members too)."""
    title, body, field_, _, _ = PROPOSALS[index]
    codes = deputy_codes()
    lead = codes[(index * 7 + 2) % len(codes)]
    return SuggestionInput(
        kind=Kind.proposal, year=year, period=Period.session,
        number=f"{KINDS[Kind.proposal].number_prefix}{index + 1:04d}", title=title, body=body, field=field_,
        lead_deputy=lead, co_signers=[codes[(index * 7 + 9) % len(codes)]], received_on=date(year, 1, 12),
        delegation=DELEGATIONS[codes.index(lead) % len(DELEGATIONS)],
    )


def deliberation_input(index: int, year: int) -> SuggestionInput:
    """The index-th demo deliberation opinion (审议意见), from the committee's meeting; its lead is the deputy who
    heads the special committee concerned."""
    title, body, field_, _, _ = DELIBERATIONS[index]
    lead = deputy_codes()[index * 4 % len(deputy_codes())]
    return SuggestionInput(
        kind=Kind.deliberation, hearing=f"{year}年{MEETING}", year=year, period=Period.closed,
        number=f"{KINDS[Kind.deliberation].number_prefix}{index + 1:04d}", title=title, body=body, field=field_,
        lead_deputy=lead, received_on=date(year, 1, 20),
    )


def livelihood_input(index: int, year: int) -> SuggestionInput:
    """The index-th demo candidate livelihood project (民生实事项目), collected through a deputy."""
    title, body, field_, _, _ = LIVELIHOODS[index]
    lead = deputy_codes()[(index * 3 + 1) % len(deputy_codes())]
    return SuggestionInput(
        kind=Kind.livelihood, year=year, period=Period.session,
        number=f"{KINDS[Kind.livelihood].number_prefix}{index + 1:04d}", title=title, body=body, field=field_,
        lead_deputy=lead, received_on=date(year, 1, 6),
    )


def reply_draft(state: SuggestionState, title: str, unit: str, result_class: ResultClass, index: int) -> c.DraftReply:
    """A reply as a unit writes it; every other one given face to face by the unit's principal head."""
    name = UNIT_NAMES[unit]
    commitments = []
    if result_class == ResultClass.A:
        text = f"关于《{title}》，{name}高度重视，已会同相关部门落实建议提出的主要措施，相关工作已基本完成。下一步将建立长效机制，持续跟踪实施效果。"
    elif result_class == ResultClass.B:
        due = add_months(local_date(state.accepted_at), 12)
        commitments = [Commitment(what="完成建议所提措施的全面实施", due_on=due)]
        text = f"关于《{title}》，{name}已将相关工作列入年度计划，正在分步实施，预计于{due.year}年{due.month}月底前全部完成。"
    else:
        text = f"关于《{title}》，建议具有较强的参考价值，但受当前资金和规划条件限制，暂时无法全面实施，{name}已将其纳入下一阶段规划研究。"
    face_to_face = index % 2 == 0
    return c.DraftReply(
        actor=handler(unit),
        text=text,
        result_class=result_class,
        commitments=commitments,
        face_to_face=face_to_face,
        replied_by=f"{HEADS[unit]}局长" if face_to_face and index % 4 == 0 else "副局长" if face_to_face else "",
        public_text=text,
    )


# Votes that give each verdict (满意度测评: domain.kind_steps.vote_verdict): the committee's 45 members on a
# deliberation opinion, the session's deputies on a livelihood project.
VOTES = {
    Kind.deliberation: {Verdict.satisfied: (31, 12, 2), Verdict.basically_satisfied: (20, 14, 11),
                        Verdict.unsatisfied: (10, 12, 23)},
    Kind.livelihood: {Verdict.satisfied: (168, 22, 6), Verdict.basically_satisfied: (80, 70, 46),
                      Verdict.unsatisfied: (50, 40, 106)},
}


def feedback(state: SuggestionState, verdict: Verdict) -> c.Command:
    """The lead deputy's rating; for a kind rated by a vote, the vote that gives the verdict."""
    if KINDS[state.kind].voted:
        satisfied, basically, unsatisfied = VOTES[state.kind][verdict]
        return c.RecordSatisfactionVote(actor=office(state.kind), satisfied=satisfied, basically_satisfied=basically,
                                        unsatisfied=unsatisfied)
    reasons = "答复对实际困难回应不够，承诺措施缺乏具体时间表。" if verdict == Verdict.unsatisfied else ""
    return c.GiveFeedback(actor=proposer(state.kind, state.lead_deputy), verdict=verdict, reasons=reasons)


# --- what the README's oversight queries find on it ------------------------------------------


def oversight_queries(year: int, today: date | None = None) -> list[tuple[str, str]]:
    """The README's Temporal UI queries (section "Oversight in the Temporal UI"), for the demo's year and month."""
    return readme_queries(year, today or local_date(datetime.now(timezone.utc)))


# --- the whole demo ----------------------------------------------------------------------


async def load_demo(
    client: Client, session: Session, settings: Settings, *, year: int = 2026, var_dir: Path | None = None,
    clock=None, progress=None,
) -> DemoResult:
    """Load the demo year; a second run adds nothing. New users' passwords go to var/demo-users.txt.
    `clock` and `progress` (demo_year.Clock, a callback of (step, share done)) default to the real ones."""
    from huiyin import demo_year  # it plays the stories with this module's data

    result = DemoResult()
    add_registers(session, result)
    add_users(session, result)
    if result.passwords:
        keep_passwords(result.passwords, var_dir or VAR_DIR)
    started = datetime.now(timezone.utc)
    result.suggestions, result.driven = await demo_year.play_year(
        client, session, settings, year, clock or demo_year.REAL_CLOCK, progress or (lambda step, share: None))
    result.seconds = (datetime.now(timezone.utc) - started).total_seconds()
    return result
