// Shared reads of the case screens: who is who in the center, its agencies, master data.
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../api/client';
import { allAgencies, allUsers, listDiseases, listMunicipalities, listPrefectures } from '../../api/resources';
import { useMe } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n/I18nProvider';

const MASTER = { staleTime: Infinity, gcTime: Infinity } as const;

/** Staff of the center, to name who recorded what. */
export function useStaff() {
  return useQuery({ queryKey: [...keys.users, 'all'], queryFn: allUsers, staleTime: 5 * 60_000 });
}

/** A staff member's name by id: "(you)" for the caller, a placeholder while loading or unknown. */
export function useStaffName(): (id: string | null | undefined) => string {
  const { t } = useI18n();
  const me = useMe();
  const staff = useStaff();
  return (id) => {
    if (!id) return t('common.none');
    if (id === me.id) return t('common.you', { name: me.display_name });
    return staff.data?.find((u) => u.id === id)?.display_name ?? t('common.unknownUser');
  };
}

/** Every agency of the center (active or not: old referrals point at deactivated ones too). */
export function useAgencies() {
  return useQuery({ queryKey: [...keys.agencies, 'all'], queryFn: allAgencies, staleTime: 5 * 60_000 });
}

export function useDiseases() {
  return useQuery({ queryKey: keys.diseases, queryFn: listDiseases, ...MASTER });
}

export function usePrefectures() {
  return useQuery({ queryKey: keys.prefectures, queryFn: listPrefectures, ...MASTER });
}

export function useMunicipalities(prefectureCode: string) {
  return useQuery({
    queryKey: keys.municipalities(prefectureCode),
    queryFn: () => listMunicipalities(prefectureCode),
    enabled: prefectureCode !== '',
    ...MASTER,
  });
}
