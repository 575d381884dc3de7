import { describe, expect, it } from 'vitest'
import {
  birthDateOf,
  checkDigit,
  deriveFromIdNumber,
  genderOf,
  idNumberProblem,
  isValidIdNumber,
  normalizeIdNumber,
  partialProblem,
} from '@/modules/members/idcard'

// Valid numbers checked against the backend (dangjian.core.idcard.is_valid).
const VALID_X = '11010519491231002X' // female, 1949-12-31, check character X
const VALID_MALE = '320102194905099254'
const LEAP = '110101200002290325' // 29 Feb 2000, female
const TODAY = '2026-11-23'

describe('ID number (GB 11643) checks, as the backend makes them', () => {
  it('computes the check character', () => {
    expect(checkDigit('11010519491231002')).toBe('X')
    expect(checkDigit('32010219490509925')).toBe('4')
    expect(checkDigit('44052418800101001')).toBe('4')
  })

  it('accepts valid numbers, including an X check character and 29 February', () => {
    for (const n of [VALID_X, VALID_MALE, LEAP, '440524188001010014', '11010119900307125X']) {
      expect(idNumberProblem(n, TODAY), n).toBeNull()
      expect(isValidIdNumber(n, TODAY)).toBe(true)
    }
  })

  it('says what is wrong', () => {
    expect(idNumberProblem('1101051949123100', TODAY)).toBe('length')
    expect(idNumberProblem('11010519491231002X1', TODAY)).toBe('length')
    expect(idNumberProblem('1101051949123100AX', TODAY)).toBe('format')
    expect(idNumberProblem('X10105194912310020', TODAY)).toBe('format')
    expect(idNumberProblem('110101200002300010', TODAY)).toBe('birthDate') // 30 February
    expect(idNumberProblem('110101199013010010', TODAY)).toBe('birthDate') // month 13
    expect(idNumberProblem('110101199003077777', TODAY)).toBe('checksum')
    expect(idNumberProblem('110101203001010011', TODAY)).toBe('future')
  })

  it('normalises what people type: spaces, lower-case x, full-width digits', () => {
    expect(normalizeIdNumber(' 110105 19491231 002x ')).toBe(VALID_X)
    expect(normalizeIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toBe(VALID_X)
    expect(isValidIdNumber('11010519491231002x', TODAY)).toBe(true)
    expect(normalizeIdNumber(null)).toBe('')
  })

  it('derives the birth date and gender', () => {
    expect(deriveFromIdNumber(VALID_X, TODAY)).toEqual({ birthDate: '1949-12-31', gender: 'female' })
    expect(deriveFromIdNumber(VALID_MALE, TODAY)).toEqual({ birthDate: '1949-05-09', gender: 'male' })
    expect(deriveFromIdNumber(LEAP, TODAY)).toEqual({ birthDate: '2000-02-29', gender: 'female' })
    expect(deriveFromIdNumber('110101199003077777', TODAY)).toBeNull()
    expect(birthDateOf('11010519491231')).toBe('1949-12-31')
    expect(birthDateOf('1101051949')).toBeNull()
    expect(genderOf('11010519491231002')).toBe('female')
    expect(genderOf('1101051949123100')).toBeNull()
  })

  it('judges a partly typed number without complaining that it is short', () => {
    expect(partialProblem('', TODAY)).toBeNull()
    expect(partialProblem('1101', TODAY)).toBeNull()
    expect(partialProblem('11010519491231', TODAY)).toBeNull()
    expect(partialProblem('1101a', TODAY)).toBe('format')
    expect(partialProblem('11010519491331', TODAY)).toBe('birthDate')
    expect(partialProblem('11010520301231', TODAY)).toBe('future')
    expect(partialProblem('110101199003077777', TODAY)).toBe('checksum')
    expect(partialProblem(VALID_X, TODAY)).toBeNull()
    expect(partialProblem(`${VALID_X}1`, TODAY)).toBe('length')
  })
})
