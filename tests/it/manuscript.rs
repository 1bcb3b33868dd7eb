//! The bundled manuscript: it loads and validates, its warnings are the ones the plan causes
//! (listed in manuscript/NOTES.md), and its outputs carry the plan's text.

use crate::support::{code, copy_dir, diagnostics, root, run, temp_dir, text};

/// Distinctive phrases of the revision plan, one or more per node kind: titles, owners,
/// targets, page ranges, dates, reference titles and file names, statutes, regions.
pub const PLAN_PHRASES: &[&str] = &[
    "Sec01-01-01",
    // The part headings as the plan writes them.
    "【Mission04】 もしもマニュアル",
    "【Mission05】 やってみよう！サイバー攻撃シミュレーション",
    "【Information】 インフォメーション",
    "「中小企業向けサイバーセキュリティ対策の極意」の改訂（追補資料の作成）",
    "経営者、CISO",
    "MindManager 版（Download）",
    "【旧版】xmind⇒html 版",
    "Docx 版（Download）",
    "Sec01-01-01_「中小企業向けサイバーセキュリティ対策の極意」の改訂（追補資料の作成）.mmap",
    "Sec01-01-01_「中小企業向けサイバーセキュリティ対策の極意」の改訂（追補資料の作成）.docx",
    "2020年4月9日",
    "担当割記載",
    "2020年3月17日",
    "Sec01-01-02を分離",
    "2020年1月28日",
    "Sec010-08-7から分離",
    "2019年7月25日",
    "改訂もしくは追記すべき内容の調査と原稿作成",
    "国のサイバーセキュリティ関連法規、施策対応",
    "サイバーセキュリティ基本法の改正（2019年4月1日施行）対応",
    "サイバーセキュリティ戦略 2018(2018年7月)",
    "今後3年間の基本的な計画として策定",
    "サイバーセキュリティ 2019（2019年5月23日）",
    "（2018年度報告・2019年度計画）",
    "「サイバーセキュリティ経営ガイドライン 2.0 対応",
    "中小企業の情報セキュリティ対策ガイドライン第3版対応",
    "IPA・NISC等のガイドラインの改訂対応",
    "サイバーセキュリティ脅威の最新トレンド対応",
    "ITの最新トレンド対応",
    "制度・施策の改訂対応",
    "関連法規の改正対応",
    "冗長な表現を見直し、全体の記載を簡素化。",
    "改訂部分は同時に表現も見直す",
    "フローティングトピック",
    "😊",
    "冒頭の説明の見直し",
    "p.8～9",
    "「サイバーセキュリティ経営ガイドライン・概要」の説明を全体的に修正。",
    "他社に迷惑をかけることもある等についても言及。",
    "統計データのアップデート",
    "Mission1-13",
    "「サイバーセキュリティ経営ガイドラインの背景と位置づけ」で参照している統計データをアップデート。",
    "Mission1-12",
    "事業者サイド",
    "ウェブサイト開設等における運営形態の選定方法に関する手引き",
    "000066952.pdf",
    "なりすまし EC サイト対策マニュアル",
    "一般社団法人セーファーインターネット協会",
    "利用者サイド",
    "「サイバーセキュリティ経営ガイドライン」Ver2.0の重要10項目の分類及び内容の改訂に伴う記述の加筆訂正",
    "Sec01-04-1 サイバーセキュリティ経営ガイドライン新旧対応関係",
    "Mission3-10",
    "p.98～109",
    "昨今のサイバー攻撃の巧妙化により入口出口対策などの事前対策だけでは対処が困難。",
    "ポイント（経産省発表）",
    "20180309 Hiroshi itou.pdf",
    "新規に2項目（(5)対策実施と(8)復旧）追加するとともに、既存の項目を再整理。",
    "事後対策の強化～検知・復旧対策の実施～",
    "サプライチェーン対策の強化",
    "事後対策の強化 ～インシデント発生時の対応～",
    "「情報の提供、及び入手とその有効活用」に修正。",
    "「中小企業の情報セキュリティ対策ガイドライン第 3 版」のリスク分析の位置付けの変更",
    "Mission3-17～20",
    "Information6-6",
    "124～131",
    "IT の最新トレンド対応",
    "（攻めの IT 投資）に活用すべき IT と活用におけるサイバーセキュリティ対策",
    "p.110～131",
    "必要に応じて追加",
    "Society5.0 時代に必要なセキュリティ対策",
    "IoT 関連セキュリティ対応",
    "早出",
    "NIST SP.800-82R2 Guide to Industrial Control Systems (ICS) Security",
    "IoT セキュリティ 標準／ガイドライン ハンドブック 2017 年度版",
    "コンシューマ向け IoT セキュリティガイド",
    "IoT（ICS）サイバーセキュリティ対策ガイド編",
    "フィジカルセキュリティスコープ",
    "IoT セキュリティのプレイヤー",
    "（参考情報）",
    "BCP とサイバーセキュリティ",
    "各種クラウドサービス",
    "クラウドサービス利用のための情報セキュリティマネジメントガイドライン 2013 年度版",
    "クラウドサービス提供における情報セキュリティ対策ガイドライン",
    "5G セキュリティ対応",
    "BYOD セキュリティ対応",
    "NIST SPECIAL PUBLICATION 1800-21",
    "API セキュリティ",
    "ブロックチェーンにおけるセキュリティ",
    "インターネットアクセスにおけるセキュリティの新技術",
    "ID と認証セキュリティ",
    "中山",
    "FIDO(Fast Identity Online)",
    "モバイル認証 (GSMA Mobile Connect)",
    "認証セキュリティと NIST SP 800-63 の改定",
    "攻めの IT 投資対応",
    "AI が人間をアシストする「インテリジェント・ワークプレイス」の活用におけるサイバーセキュリティ対策",
    "○第 4 次産業革命",
    "※DX レポート (IT システム 2025 年の崖の克服)",
    "※科学技術イノベーション統合戦略 (内閣府)",
    "※AI 白書 2019",
    "サイバーセキュリティ分野で機械学習が活用される背景と期待",
    "従来型サイバーセキュリティ対策の限界",
    "ネットワーク異常検知への応用",
    "全てに万能な機械学習アルゴリズムは存在しない",
    "サイバー・フィジカル・セキュリティ対策フレームワーク（CPSF）（2019年4月 METI）対応",
    "サイバー空間とサイバー空間の繋がり",
    "NIST SP800-171「連邦政府外のシステムと組織における管理された非格付け情報の保護」改訂 Revision2 対応",
    "NIST SP800-53「連邦政府情報システムおよび連邦組織のためのセキュリティ管理策とプライバシー管理策」改訂 Rev4.0 対応",
    "守りの IT 投資対応",
    "Mission3-8",
    "p.94～95",
    "生産性向上のための「デジタル・ワークプレイス」",
    "従業員エクスペリエンスを向上（働き方改革等）するシステムの導入におけるサイバーセキュリティ対策",
    "テレワークソリューション",
    "伊藤⇒中山",
    "テレワークではじめる働き方改革テレワークの導入・運用ガイドブック",
    "厚生労働省",
    "01_01.pdf",
    "リモートデスクトップ",
    "会社 PC 持ち帰り",
    "シンクライアント",
    "ストレージ暗号化",
    "テレワークセキュリティガイドライン",
    "私用端末のビジネス利用",
    "スマートフォン等の業務利用における情報セキュリティ対策の実施手順策定手引書",
    "https://www.shiryou0305.pdf",
    "事業継続計画（BCP）の一環としてのサイバーセキュリティ対策（明文化）",
    "伊藤⇒石井（茂）",
    "Mission4-1",
    "p.134～144",
    "もしもマニュアル",
    "石井（茂）",
    "やってみよう！サイバー攻撃",
    "インフォメーション",
    "付録A サイバーセキュリティ経営チェックシートの内容の反映",
    "Information6-7",
    "NIST のサイバーセキュリティフレームワークとの対応関係の提示",
    "IoT 機器調査及び利用者への注意喚起プロジェクト（NOTICE 対応）",
    "Information6-8",
    "※システム管理者としての基本技術の解説（安全・安心ハンドブック（NISC）参照）",
    "※クレジットカード PCI/DSS (Payment Card Industry Data Security Standard)",
    "※ランサムウェア",
    "法律違反の可能性への対応方法の解説",
    "小林",
    "Information6-4",
    "p.172～173",
    "個人情報保護法改正への対応",
    "p.185～",
    "情報セキュリティサービス審査登録制度及びシステム監査基準（2018年改訂）",
    "touroku.html",
    "デジタルフォレンジックサービス",
    "中小企業のサイバーセキュリティ対策支援体制のモデル構築（サイバーセキュリティお助け隊）",
    "20190517002.html",
    "2019年度",
    "宮城県・岩手県・福島県",
    "長野県・群馬県・栃木県・茨城県",
    "大阪府・京都府・兵庫県",
    "広島県",
    "サイバーインシデント緊急対応企業一覧",
    "emergency_response",
    "インシデント緊急対応費用",
    "関連法規の改訂対応",
    "ガイドブックのMission1-1～13を例に適用が想定される法律名、条文を例示",
    "不正アクセス禁止法",
    "マイナンバー法施行令（行政手続における特定の個人を識別するための番号の利用等に関する法律施行令）",
    "不正指令電磁的記録に関する罪（ウイルス作成罪）",
    "支払用カード電磁的記録不正作出等罪",
    "プロバイダ責任制限法",
    "著作権法、産業財産権法、不正競争防止法、",
    "男女雇用機会均等法",
    "電子消費者契約法",
    "e-文書法（電磁的記録）",
    "情報倫理・技術者倫理",
    "GDPR（General Data Protection Regulation：一般データ保護規則）",
    "関係機関、参考文献等リスト",
    "専門員全員",
    "主な情報セキュリティベンダー",
    "用語解説インデックス",
    "Sec01-01-02",
    "「中小企業向けサイバーセキュリティ対策の極意」の改訂案（素材）",
    "https://bluemoon55.github.io/Sharing_Knowledge/MindManager/Sec01-01-02_「中小企業向けサイバーセキュリティ対策の極意」の改訂案（素材）.mmap",
];

/// The warnings the plan itself causes, as documented in manuscript/NOTES.md (and allowed
/// in the manuscript's `[lints]`).
const PLAN_WARNINGS: &[&str] = &[
    "warning[overlapping-sections] m/supplement.toml",
    "warning[open-ended-section] m/supplement.toml",
    "warning[overlapping-sections] m/supplement.toml",
    "warning[open-ended-section] m/supplement.toml",
    "warning[overlapping-sections] m/supplement.toml",
    "warning[overlapping-sections] m/supplement.toml",
    "warning[empty-body] m/parts/03-mission3.toml",
    "warning[unassigned-owner] m/parts/05-mission5.toml",
    "warning[empty-body] m/parts/06-information.toml",
];

#[test]
fn bundled_manuscript_validates_with_only_the_plans_warnings() {
    // Intent: no errors; without its [lints] table, every warning is one NOTES.md lists as
    // caused by the plan.
    let work = temp_dir("bundled-lints");
    copy_dir(&root().join("manuscript"), &work.join("m"));
    let main = work.join("m/supplement.toml");
    let text_of = std::fs::read_to_string(&main).expect("supplement.toml");
    let at = text_of
        .find("\n[lints]")
        .expect("the manuscript has [lints]");
    std::fs::write(&main, &text_of[..at]).expect("write");
    let out = run(&work, &["check", "m", "--message-format", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let got: Vec<String> = diagnostics(&text(&out).0)
        .iter()
        .map(|v| {
            format!(
                "{}[{}] {}",
                v["severity"].as_str().unwrap_or(""),
                v["code"].as_str().unwrap_or(""),
                v["file"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(got, PLAN_WARNINGS);
    let notes = std::fs::read_to_string(root().join("manuscript/NOTES.md")).expect("NOTES.md");
    for warning in PLAN_WARNINGS {
        let code = warning.split(['[', ']']).nth(1).unwrap_or_default();
        assert!(
            notes.contains(&format!("`{code}`")),
            "NOTES.md does not explain {code}"
        );
        assert!(
            text_of[at..].contains(&format!("\n{code} = \"allow\"")),
            "[lints] does not allow {code}"
        );
    }
}

#[test]
fn bundled_manuscript_builds_printing_only_what_it_wrote() {
    // Intent: the plan's known warnings are allowed in [lints], so a build says nothing
    // else.
    let out_dir = temp_dir("bundled-quiet");
    let out = run(
        &root(),
        &["build", "--out", out_dir.to_str().expect("utf8")],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let stderr = text(&out).1;
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(stderr.lines().all(|l| l.starts_with("wrote ")), "{stderr}");
}

#[test]
fn phrases_come_from_the_plan() {
    // Intent: the phrase list is taken from the plan, not made up (the plan is kept beside
    // the manuscript as manuscript/source-plan.txt).
    let plan = std::fs::read_to_string(root().join("manuscript/source-plan.txt")).expect("plan");
    assert!(PLAN_PHRASES.len() >= 100);
    let missing: Vec<&&str> = PLAN_PHRASES
        .iter()
        .filter(|p| !plan.contains(**p))
        .collect();
    assert!(missing.is_empty(), "not in the plan: {missing:?}");
}

#[test]
fn changelog_carries_every_plan_phrase() {
    // Intent: a reviewer reading the changelog beside the plan finds the plan's nodes.
    let out_dir = temp_dir("bundled-changelog");
    let out = run(
        &root(),
        &[
            "build",
            "--format",
            "changelog",
            "--out",
            out_dir.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let changelog =
        std::fs::read_to_string(out_dir.join("Sec01-01-01.changelog.txt")).expect("changelog");
    let missing: Vec<&&str> = PLAN_PHRASES
        .iter()
        .filter(|p| !changelog.contains(**p))
        .collect();
    assert!(
        missing.is_empty(),
        "missing from the changelog: {missing:?}"
    );
}
