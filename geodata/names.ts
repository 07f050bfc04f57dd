/**
 * Chinese names for synthetic people, and readings of the official division names
 * (urban or rural, short forms for labels).
 */
import type { Rng } from './random.js'

// Common surnames in Guangdong, most frequent first (each listed once; the draw favours the head).
const SURNAMES = [
  '陈', '李', '黄', '张', '梁', '林', '刘', '吴', '罗', '何', '郑', '杨', '谢', '邓', '叶', '曾',
  '王', '周', '许', '蔡', '钟', '冯', '朱', '卢', '温', '苏', '彭', '赖', '邱', '潘', '丘', '廖',
  '麦', '余', '方', '古', '庞', '莫', '伍', '谭', '欧', '严', '骆', '戴', '赵', '徐', '孙', '胡',
  '马', '江', '关', '袁', '邝', '蓝', '凌', '龙', '杜', '姚', '侯', '韦',
]

// Characters common in given names (neutral, feminine-leaning and masculine-leaning mixed).
const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明',
  '超', '秀', '霞', '平', '刚', '桂', '华', '玲', '红', '燕', '辉', '婷', '晓', '文', '斌', '健',
  '宇', '欣', '佳', '嘉', '颖', '婉', '俊', '浩', '振', '国', '志', '海', '建', '雪', '慧', '琳',
  '思', '雅', '梓', '晴', '锦', '荣', '泽', '彬', '倩', '冰', '凤', '少', '惠', '永', '家', '子',
]

/** A deterministic Chinese personal name: a surname plus one or two given-name characters. */
export function personName(rng: Rng): string {
  // Skew toward frequent surnames: the square of a uniform favours low indices.
  const surname = SURNAMES[Math.floor(rng.next() ** 2 * SURNAMES.length)]
  const first = rng.pick(GIVEN)
  return rng.chance(0.72) ? surname + first + rng.pick(GIVEN) : surname + first
}

/** Whether a village-level name is an urban community (社区/居委会) rather than a village (村). */
export function isUrbanVillage(name: string): boolean {
  return /社区|居委|居民委员会/.test(name)
}

/** Whether a town-level name is an urban sub-district (街道). */
export function isUrbanTown(name: string): boolean {
  return name.endsWith('街道') || name.endsWith('街道办事处')
}

/**
 * The everyday short form of a village-level name, for labels such as service points:
 * 马坝村委会 / 马坝村民委员会 / 前进村村委会 → 马坝村 / 马坝村 / 前进村, 东街社区居委会 / 东街社区居民委员会 → 东街社区.
 */
export function shortVillageName(name: string): string {
  return name
    .replace(/社区居民委员会$|社区居委会$|社区居委$/, '社区')
    // 前进村村委会 is the committee of 前进村: its short form is 前进村, not 前进村村.
    .replace(/村?(村民委员会|村委会|村居委会|村居民委员会)$/, '村')
    .replace(/村村$/, '村')
    .replace(/居民委员会$/, '居委会')
}
